"""The replay corpus: recorded ComplaintWorkflow histories (Temporal's JSON, one file per run).

``tests/workflows/test_replay_corpus.py`` replays every file through the current workflow
code on each CI run. Record new ones with ``python -m tests.histories.record``.
"""

from pathlib import Path

from temporalio.client import WorkflowHistory

FOLDER = Path(__file__).parent


def corpus_files(folder: Path = FOLDER) -> list[Path]:
    return sorted(folder.glob("*.json"))


def load(path: Path) -> WorkflowHistory:
    """A recorded run; its workflow id is its scenario name."""
    return WorkflowHistory.from_json(path.stem.split(".")[0], path.read_text())


def load_corpus(folder: Path = FOLDER) -> list[WorkflowHistory]:
    return [load(path) for path in corpus_files(folder)]
