"""The training config: one JSON file for the small CPU model and for the paper-size recipe."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A config that cannot be used; the message names the key and the fix."""


@dataclass
class PhaseConfig:
    epochs: float = 3.0
    learning_rate: float = 2e-5
    scheduler: str = "cosine"
    warmup_steps: int = 2
    batch_size: int = 16
    grad_accum: int = 1
    max_length: int = 1024
    weight_decay: float = 0.0
    save_steps: int = 200
    logging_steps: int = 10
    max_steps: int = -1
    bf16: bool = False
    # Batch samples of similar length together (less padding; chat phases).
    group_by_length: bool = False


@dataclass
class ModelConfig:
    architecture: str = "llama"
    # Start from this checkpoint (a folder or hub id) instead of training from scratch.
    base: str | None = None
    hidden_size: int = 256
    layers: int = 4
    heads: int = 4
    kv_heads: int = 4
    intermediate_size: int = 688
    max_positions: int = 2048
    rope_theta: float = 10000.0
    lora: dict[str, Any] | None = None


@dataclass
class TrainConfig:
    name: str
    seed: int = 0
    vocab_size: int = 8192
    model: ModelConfig = field(default_factory=ModelConfig)
    phases: dict[str, PhaseConfig] = field(default_factory=dict)
    export: dict[str, Any] = field(default_factory=dict)


def _fill(cls, values: dict[str, Any], where: str):
    known = set(cls.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(sorted(known))}")
    return cls(**values)


def parse_config(raw: dict[str, Any], where: str = "config") -> TrainConfig:
    """Reads the Python part of a `lam train` config (its `training` object, snake_case keys)."""
    if "name" not in raw:
        raise ConfigError(f'{where}: "name" is missing: give the model a name, e.g. "lam-small"')
    values = dict(raw)
    values["model"] = _fill(ModelConfig, values.get("model", {}), f"{where}.model")
    values["phases"] = {
        str(name): _fill(PhaseConfig, phase, f"{where}.phases.{name}") for name, phase in values.get("phases", {}).items()
    }
    return _fill(TrainConfig, values, where)


def load_config(path: Path) -> TrainConfig:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(f"{path}: no such config file; pass the path of a JSON config (see training/configs/)") from error
    except json.JSONDecodeError as error:
        raise ConfigError(f"{path}: not valid JSON ({error}); fix the file") from error
    return parse_config(raw.get("training", raw), str(path))
