"""The training path end to end at tiny scale: tokenizer, SFT with the loss on the answer, ONNX export,
parity of onnxruntime with PyTorch, and resumption."""

from __future__ import annotations

import json

from lam_training.cli import run
from lam_training.config import load_config


def test_tiny_model_learns_exports_and_matches(tiny_data, tiny_config, tmp_path):
    out = tmp_path / "run"
    summary = run(load_config(tiny_config), tiny_data, out)

    phase = summary["phases"]["2"]
    assert phase["train_samples"] == 64
    # The loss on the answer falls by at least 30% on this fixture.
    assert phase["last_loss"] <= 0.7 * phase["first_loss"], phase

    lam2 = out / "lam2"
    for name in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"):
        assert (lam2 / name).exists(), name
    parity = json.loads((lam2 / "parity.json").read_text())
    assert parity["maxAbsLogitDiff"] < 1e-3
    assert len(parity["greedy"]) == 4
    # Trained on one answer shape: the greedy answer is a decision JSON.
    assert all('"function"' in text for text in parity["greedy"]), parity["greedy"]

    # The int8 variant beside it: smaller, the same inputs and outputs, logits close to float32's.
    import numpy as np
    import onnxruntime as ort

    from lam_training.export import _ort_inputs

    int8 = lam2 / "onnx" / "model_int8.onnx"
    assert int8.exists() and int8.stat().st_size < 0.6 * (lam2 / "onnx" / "model.onnx").stat().st_size
    config = json.loads((lam2 / "config.json").read_text())
    ids = np.array([[1, 5, 9, 14, 20, 31]], dtype=np.int64)
    logits = []
    for file in (lam2 / "onnx" / "model.onnx", int8):
        session = ort.InferenceSession(str(file), providers=["CPUExecutionProvider"])
        assert [i.name for i in session.get_inputs()] == [i.name for i in ort.InferenceSession(str(int8)).get_inputs()]
        logits.append(session.run(["logits"], _ort_inputs(session, ids, config))[0])
    assert np.abs(logits[0] - logits[1]).max() < 0.25 * np.abs(logits[0]).max()

    # A second run finds every phase done and changes nothing.
    before = (lam2 / "onnx" / "model.onnx").stat().st_mtime
    again = run(load_config(tiny_config), tiny_data, out)
    assert again["phases"]["2"] == phase
    assert (lam2 / "onnx" / "model.onnx").stat().st_mtime == before


def test_chat_template_masks_all_but_the_answer(tiny_data, tiny_config, tmp_path):
    from transformers import AutoTokenizer

    from lam_training.tokenizer import corpus_texts, train_tokenizer

    train_tokenizer(corpus_texts([tiny_data / "phase2" / "train.jsonl"]), 600, tmp_path / "tok")
    tokenizer = AutoTokenizer.from_pretrained(str(tmp_path / "tok"))
    messages = json.loads((tiny_data / "phase2" / "test.jsonl").read_text().splitlines()[0])["messages"]
    rendered = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    ids, mask = rendered["input_ids"], rendered["assistant_masks"]
    answer = tokenizer.decode([t for t, m in zip(ids, mask) if m])
    assert answer == messages[-1]["content"] + "<|end|>"
    # The prompt for generation is a prefix of the training text, token for token.
    prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=True, add_generation_prompt=True)
    assert ids[: len(prompt)] == prompt
