"""Event sources: how items reach the function (sync, async, SQS, streams)."""
