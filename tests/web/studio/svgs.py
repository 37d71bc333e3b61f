"""Drawings for an analogy declared in the studio (a stopwatch), valid for the figures' cleaner."""

ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" fill="none" '
    'stroke="currentColor" stroke-width="2">\n'
    '  <circle cx="24" cy="27" r="15"/>\n'
    '  <path d="M24 27V18M20 6h8"/>\n'
    "</svg>\n"
)
SCENE = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 120">\n'
    '  <rect class="f-card" x="20" y="20" width="120" height="80" rx="6"/>\n'
    '  <text class="f-t" x="80" y="66" text-anchor="middle">Start</text>\n'
    '  <rect class="f-ok" x="240" y="20" width="120" height="80" rx="6"/>\n'
    '  <text class="f-t" x="300" y="66" text-anchor="middle">Lap</text>\n'
    "</svg>\n"
)
# A scene with a script on its third line: the cleaner reports it at that line.
BAD_SCENE = SCENE.replace("  <text", "  <script>alert(1)</script>\n  <text", 1)
ALT = "A stopwatch starts once (INIT) and then times one lap per request (INVOKE)."
