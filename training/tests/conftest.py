"""Tiny data in the shape `lam train` renders, for the smoke tests of the training path."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

CONTROLS = ["Bold", "Italic", "Underline", "Save", "Center", "Font Size", "Open", "Print"]


def decision_sample(rng: random.Random) -> dict:
    names = rng.sample(CONTROLS, 5)
    target = rng.choice(names)
    controls = "\n".join(f"[{i + 1}] Button {json.dumps(n)}" for i, n in enumerate(names))
    label = str(names.index(target) + 1)
    answer = json.dumps(
        {
            "thought": f"Click {target}.",
            "control_label": label,
            "control_name": target,
            "function": "click_input",
            "args": {"button": "left", "double": False},
            "status": "FINISH",
            "plan": [],
        }
    )
    return {
        "messages": [
            {"role": "system", "content": "Decide one step."},
            {"role": "user", "content": f"Request: press {target.lower()}\nControls:\n{controls}"},
            {"role": "assistant", "content": answer},
        ]
    }


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    rng = random.Random(0)
    data = tmp_path_factory.mktemp("data")
    write_jsonl(data / "corpus.jsonl", [{"text": f"Choose Format - {c}. The {c.lower()} command changes the text."} for c in CONTROLS * 8])
    write_jsonl(data / "phase2" / "train.jsonl", [decision_sample(rng) for _ in range(64)])
    write_jsonl(data / "phase2" / "test.jsonl", [decision_sample(rng) for _ in range(8)])
    write_jsonl(data / "parity-prompts.jsonl", [decision_sample(rng) for _ in range(4)])
    return data


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory) -> Path:
    config = {
        "name": "lam-tiny",
        "vocab_size": 600,
        "model": {"hidden_size": 64, "layers": 2, "heads": 4, "kv_heads": 2, "intermediate_size": 128, "max_positions": 512},
        "phases": {"2": {"epochs": 1, "max_steps": 80, "learning_rate": 3e-3, "warmup_steps": 5, "batch_size": 8, "max_length": 384, "logging_steps": 5, "save_steps": 40}},
        "export": {"parity_tokens": 40},
    }
    path = tmp_path_factory.mktemp("config") / "tiny.json"
    path.write_text(json.dumps(config))
    return path
