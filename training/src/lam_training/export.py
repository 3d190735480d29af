"""Export to the model folder that `@lam/runtime` loads (`onnx/model.onnx` with its key-value cache, float32),
with optimum's exporter, and the parity check of the exported graph against PyTorch with onnxruntime."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np


def export_onnx(model_dir: Path, out_dir: Path, opset: int = 17) -> Path:
    """Exports the checkpoint in `model_dir` to `out_dir` (config.json, generation_config.json, tokenizer
    files and onnx/model.onnx), replacing what is there. Returns `out_dir`."""
    from optimum.exporters.onnx import main_export

    with tempfile.TemporaryDirectory(prefix="lam-export-") as scratch:
        main_export(
            model_name_or_path=str(model_dir),
            output=scratch,
            task="text-generation-with-past",
            opset=opset,
            device="cpu",
            do_validation=False,
        )
        staged = Path(scratch)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        (out_dir / "onnx").mkdir(parents=True)
        for item in staged.iterdir():
            if item.suffix in (".onnx", ".onnx_data"):
                shutil.move(str(item), out_dir / "onnx" / item.name)
            elif item.is_file():
                shutil.move(str(item), out_dir / item.name)
    return out_dir


def quantize_int8(model_dir: Path) -> Path:
    """Writes `onnx/model_int8.onnx` beside the float32 `onnx/model.onnx` of an exported model folder:
    onnxruntime's dynamic quantisation (int8 weights of the matrix products, activations quantised at run
    time; inputs, outputs and the key-value cache stay float32, so the same engine runs it). Returns its path."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = model_dir / "onnx" / "model.onnx"
    if not source.exists():
        raise FileNotFoundError(f"{source} does not exist: export the model first (lam train writes it)")
    target = model_dir / "onnx" / "model_int8.onnx"
    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    return target


def _ort_inputs(session, input_ids: np.ndarray, config: dict) -> dict:
    layers = config["num_hidden_layers"]
    kv_heads = config.get("num_key_value_heads", config["num_attention_heads"])
    head_dim = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
    names = {i.name for i in session.get_inputs()}
    feeds = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}
    if "position_ids" in names:
        feeds["position_ids"] = np.arange(input_ids.shape[1], dtype=np.int64)[None, :]
    empty = np.zeros((1, kv_heads, 0, head_dim), dtype=np.float32)
    for layer in range(layers):
        feeds[f"past_key_values.{layer}.key"] = empty
        feeds[f"past_key_values.{layer}.value"] = empty
    return feeds


def logits_parity(model_dir: Path, onnx_dir: Path, prompts: list[list[dict]]) -> float:
    """The largest absolute difference between the logits of PyTorch (the checkpoint in `model_dir`) and
    onnxruntime (the export in `onnx_dir`) over every position of each prompt's chat rendering."""
    import onnxruntime as ort
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForCausalLM.from_pretrained(str(model_dir)).eval()
    session = ort.InferenceSession(str(onnx_dir / "onnx" / "model.onnx"), providers=["CPUExecutionProvider"])
    config = json.loads((onnx_dir / "config.json").read_text())
    worst = 0.0
    for messages in prompts:
        ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        input_ids = np.array([ids], dtype=np.int64)
        with torch.no_grad():
            expected = model(torch.from_numpy(input_ids)).logits.numpy()
        got = session.run(["logits"], _ort_inputs(session, input_ids, config))[0]
        worst = max(worst, float(np.abs(expected - got).max()))
    return worst


def greedy_reference(model_dir: Path, prompts: list[list[dict]], max_new_tokens: int = 64) -> list[str]:
    """transformers' greedy decode of each prompt (the reference `@lam/runtime`'s decode must equal)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForCausalLM.from_pretrained(str(model_dir)).eval()
    answers = []
    for messages in prompts:
        ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt")
        with torch.no_grad():
            out = model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                eos_token_id=tokenizer.eos_token_id,
                pad_token_id=tokenizer.pad_token_id,
            )
        answers.append(tokenizer.decode(out[0, ids.shape[1] :], skip_special_tokens=True))
    return answers
