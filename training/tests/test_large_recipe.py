"""The paper-size recipe (a pretrained base, LoRA adapters, `accelerate launch`) dry-run on the CPU with a
tiny random model of the same architecture (Mistral) standing in for Mistral-7B."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_lora_on_a_mistral_base_through_accelerate_launch(tiny_data, tmp_path):
    from transformers import MistralConfig, MistralForCausalLM

    from lam_training.tokenizer import corpus_texts, train_tokenizer

    base = tmp_path / "tiny-mistral"
    tokenizer = train_tokenizer(corpus_texts([tiny_data / "phase2" / "train.jsonl"]), 600, base)
    config = MistralConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    MistralForCausalLM(config).save_pretrained(base)
    recipe = json.loads((ROOT / "configs" / "mistral-7b-lora.json").read_text())["training"]
    recipe["name"] = "dry-run"
    recipe["model"]["base"] = str(base)
    phase = recipe["phases"]["2"]
    phase.update(max_steps=4, max_length=384, bf16=False, batch_size=4, logging_steps=1)
    recipe["phases"] = {"2": phase}
    config_file = tmp_path / "dry-run.json"
    config_file.write_text(json.dumps(recipe))

    out = tmp_path / "run"
    launcher = [sys.executable, "-m", "accelerate.commands.launch", "--config_file", str(ROOT / "accelerate" / "cpu-dry-run.yaml")]
    done = subprocess.run(
        [*launcher, "-m", "lam_training", "run", "--config", str(config_file), "--data", str(tiny_data), "--out", str(out)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["phases"]["2"]["steps"] == 4
    # The adapters were merged: the saved model is a plain Mistral with the base's shapes, exported and in parity.
    saved = json.loads((out / "phases" / "2" / "final" / "config.json").read_text())
    assert saved["model_type"] == "mistral" and saved["hidden_size"] == 64
    assert not (out / "phases" / "2" / "final" / "adapter_config.json").exists()
    assert summary["exports"]["lam2"]["maxAbsLogitDiff"] < 1e-3
