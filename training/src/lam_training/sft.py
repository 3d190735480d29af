"""Supervised fine-tuning of one phase with TRL's SFTTrainer: chat samples with the loss on the
assistant's answer only (phases 1-3), or plain text for language-model pretraining (phase 1's help text)."""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from datasets import load_dataset
from transformers import TrainerCallback
from transformers.trainer_utils import get_last_checkpoint
from trl import SFTConfig, SFTTrainer

from .config import PhaseConfig


@dataclass
class PhaseResult:
    name: str
    model_dir: Path
    train_samples: int
    dropped_too_long: int
    steps: int
    first_loss: float | None
    last_loss: float | None
    eval_loss: float | None
    seconds: float
    tokens_per_second: float | None


class ProgressCallback(TrainerCallback):
    """One JSON line per log event on stderr (`lam train` shows them) and in `<out>/log.jsonl`."""

    def __init__(self, phase: str, log_file: Path):
        self.phase = phase
        self.log_file = log_file

    def on_log(self, args, state, control, logs=None, **kwargs):
        record = {"phase": self.phase, "step": state.global_step, "maxSteps": state.max_steps, **(logs or {})}
        line = json.dumps(record)
        with open(self.log_file, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        print(f"[lam-training] {line}", file=sys.stderr, flush=True)


def _length_filter(dataset, tokenizer, max_length: int, chat: bool):
    def length(example):
        if chat:
            ids = tokenizer.apply_chat_template(example["messages"], tokenize=True)
        else:
            ids = tokenizer(example["text"])["input_ids"]
        return {"_length": len(ids)}

    with_length = dataset.map(length)
    kept = with_length.filter(lambda e: e["_length"] <= max_length) if chat else with_length
    return kept.remove_columns("_length"), len(with_length) - len(kept)


def train_phase(
    name: str,
    model,
    tokenizer,
    train_file: Path,
    eval_file: Path | None,
    out_dir: Path,
    cfg: PhaseConfig,
    seed: int = 0,
    use_cpu: bool | None = None,
    lora: dict | None = None,
) -> tuple[object, PhaseResult]:
    """Trains `model` on the JSONL `train_file` (rows of `messages`, or of `text`), resuming from the last
    checkpoint in `out_dir`, and saves the final model and tokenizer in `out_dir/final`. With `lora`
    (PEFT's LoraConfig keys: r, lora_alpha, lora_dropout, target_modules) only adapters are trained, and
    they are merged into the saved model."""
    import torch

    started = time.monotonic()
    files = {"train": str(train_file)}
    if eval_file is not None and Path(eval_file).exists() and Path(eval_file).stat().st_size > 0:
        files["eval"] = str(eval_file)
    data = load_dataset("json", data_files=files)
    chat = "messages" in data["train"].column_names
    keep = ["messages"] if chat else ["text"]
    data = data.remove_columns([c for c in data["train"].column_names if c not in keep])
    train, dropped = _length_filter(data["train"], tokenizer, cfg.max_length, chat)
    evaluation = _length_filter(data["eval"], tokenizer, cfg.max_length, chat)[0] if "eval" in data else None
    if len(train) == 0:
        raise ValueError(f"{train_file}: no training sample fits max_length {cfg.max_length}; raise phases.{name}.max_length or shorten the prompts")

    out_dir.mkdir(parents=True, exist_ok=True)
    cpu = (not torch.cuda.is_available()) if use_cpu is None else use_cpu
    args = SFTConfig(
        output_dir=str(out_dir),
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.learning_rate,
        lr_scheduler_type=cfg.scheduler,
        warmup_steps=cfg.warmup_steps,
        weight_decay=cfg.weight_decay,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        max_length=cfg.max_length,
        assistant_only_loss=chat,
        packing=not chat,
        logging_steps=cfg.logging_steps,
        save_steps=cfg.save_steps,
        save_total_limit=2,
        eval_strategy="no",
        report_to=[],
        seed=seed,
        use_cpu=cpu,
        bf16=cfg.bf16,
        group_by_length=cfg.group_by_length and chat,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    peft_config = None
    if lora is not None:
        from peft import LoraConfig

        peft_config = LoraConfig(task_type="CAUSAL_LM", **{"target_modules": "all-linear", **lora})
    trainer = SFTTrainer(
        model=model,
        peft_config=peft_config,
        args=args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=tokenizer,
        callbacks=[ProgressCallback(name, out_dir / "log.jsonl")],
    )
    last = get_last_checkpoint(str(out_dir)) if any(out_dir.glob("checkpoint-*")) else None
    output = trainer.train(resume_from_checkpoint=last)
    eval_loss = trainer.evaluate()["eval_loss"] if evaluation is not None and len(evaluation) > 0 else None
    final = out_dir / "final"
    trained = trainer.model.merge_and_unload() if peft_config is not None else trainer.model
    trained.save_pretrained(str(final))
    tokenizer.save_pretrained(str(final))
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    seconds = time.monotonic() - started
    tokens = output.metrics.get("train_tokens_per_second") if output.metrics else None
    result = PhaseResult(
        name=name,
        model_dir=final,
        train_samples=len(train),
        dropped_too_long=dropped,
        steps=trainer.state.global_step,
        first_loss=losses[0] if losses else None,
        last_loss=losses[-1] if losses else None,
        eval_loss=None if eval_loss is None or math.isnan(eval_loss) else float(eval_loss),
        seconds=seconds,
        tokens_per_second=tokens,
    )
    return trained, result
