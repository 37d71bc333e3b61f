"""The AWS Lambda simulator: pure Python, no Django.

from course.sandbox import Scenario, simulate
result = simulate(Scenario.from_dict({"Traffic": {"Events": [{"AtMs": 0}]}}))
"""

from . import limits
from .engine import Result, simulate
from .errors import ScenarioError
from .files import load_scenario_file
from .metrics import Metrics
from .scenario import Scenario
from .trace import Kind, TraceEvent

__all__ = [
    "Kind",
    "Metrics",
    "Result",
    "Scenario",
    "ScenarioError",
    "TraceEvent",
    "limits",
    "load_scenario_file",
    "simulate",
]
