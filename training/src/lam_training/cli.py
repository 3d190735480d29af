"""`python -m lam_training run --config <file> --data <dir> --out <dir>`: the phases of a `lam train` config,
resumable (a finished phase is skipped, an interrupted one resumes from its last checkpoint).

`lam train` (TypeScript) renders the data folder with `@lam/prompts` and calls this; run alone, it expects:
  <data>/corpus.jsonl            {"text"} rows: help text for phase 1's language-model pretraining
  <data>/phase1/train.jsonl      {"messages"} rows: task -> plan (phase 1)
  <data>/phase2/train.jsonl      {"messages"} rows: state -> action (phase 2), and test.jsonl beside it
  <data>/parity-prompts.jsonl    {"messages"} rows without the answer: prompts for the parity checks
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from .config import ConfigError, TrainConfig, load_config

# The phases in order: name, data file, the model it starts from ("" = a new model), the LAM it exports.
PHASES = [
    ("pretrain", "corpus.jsonl", "", None),
    ("1", "phase1/train.jsonl", "pretrain", "lam1"),
    ("2", "phase2/train.jsonl", "1", "lam2"),
]


def say(message: str) -> None:
    print(f"[lam-training] {message}", file=sys.stderr, flush=True)


def _read_messages(file: Path, limit: int) -> list[list[dict]]:
    prompts = []
    if not file.exists():
        return prompts
    for line in file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            messages = json.loads(line)["messages"]
            prompts.append([m for m in messages if m["role"] != "assistant"])
        if len(prompts) >= limit:
            break
    return prompts


def run(cfg: TrainConfig, data: Path, out: Path, only: list[str] | None = None) -> dict:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from .export import export_onnx, greedy_reference, logits_parity, quantize_int8
    from .model import build_model, count_parameters
    from .sft import train_phase
    from .tokenizer import corpus_texts, train_tokenizer

    torch.set_num_threads(max(1, torch.get_num_threads()))
    out.mkdir(parents=True, exist_ok=True)
    summary_file = out / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {"name": cfg.name, "phases": {}}

    tokenizer_dir = out / "tokenizer"
    if cfg.model.base:
        # A pretrained base brings its own tokenizer (and chat template): the paper-size recipe.
        tokenizer_dir = Path(cfg.model.base)
    elif not (tokenizer_dir / "tokenizer.json").exists():
        sources = [p for p in (data / "corpus.jsonl", data / "phase1" / "train.jsonl", data / "phase2" / "train.jsonl") if p.exists()]
        if not sources:
            raise ConfigError(f"{data}: no training data (corpus.jsonl, phase1/train.jsonl, phase2/train.jsonl); run `lam train` to render it")
        say(f"training a byte-level BPE tokenizer of {cfg.vocab_size} tokens on {', '.join(str(s) for s in sources)}")
        train_tokenizer(corpus_texts(sources), cfg.vocab_size, tokenizer_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    if "generation" not in (tokenizer.chat_template or ""):
        # TRL's loss on the answer only needs the {% generation %} markers of the project's template.
        from .tokenizer import CHAT_TEMPLATE, END

        tokenizer.chat_template = CHAT_TEMPLATE
        tokenizer.eos_token = tokenizer.eos_token or END
        tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token

    parity_prompts = _read_messages(data / "parity-prompts.jsonl", 20)
    for name, file, start, lam in PHASES:
        if name not in cfg.phases or (only and name not in only):
            continue
        final = out / "phases" / name / "final"
        if not (final / "config.json").exists():
            train_file = data / file
            if not train_file.exists():
                raise ConfigError(f"{train_file}: phase {name}'s data is missing; run `lam train` to render it, or remove phases.{name} from the config")
            if start and (out / "phases" / start / "final" / "config.json").exists():
                model = AutoModelForCausalLM.from_pretrained(str(out / "phases" / start / "final"))
            elif start and start in cfg.phases:
                raise ConfigError(f"phase {name} starts from phase {start}, which has not finished; run the phases in order")
            else:
                model = build_model(cfg.model, tokenizer, cfg.seed)
            say(f"phase {name}: {count_parameters(model):,} parameters, data {train_file}")
            test_file = train_file.with_name("test.jsonl")
            _, result = train_phase(
                name, model, tokenizer, train_file, test_file, out / "phases" / name, cfg.phases[name], cfg.seed, lora=cfg.model.lora
            )
            entry = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items()}
            entry["params"] = count_parameters(model)
            summary["phases"][name] = entry
            summary_file.write_text(json.dumps(summary, indent=2))
            say(f"phase {name} done: loss {result.first_loss} -> {result.last_loss} in {result.seconds:.0f} s")
        if lam and not (out / lam / "parity.json").exists():
            started = time.monotonic()
            say(f"exporting {lam} to ONNX")
            export_onnx(final, out / lam)
            quantize_int8(out / lam)
            diff = logits_parity(final, out / lam, parity_prompts[:5]) if parity_prompts else None
            greedy = greedy_reference(final, parity_prompts, cfg.export.get("parity_tokens", 48)) if parity_prompts else []
            parity = {"maxAbsLogitDiff": diff, "prompts": parity_prompts, "greedy": greedy, "seconds": time.monotonic() - started}
            (out / lam / "parity.json").write_text(json.dumps(parity))
            summary.setdefault("exports", {})[lam] = {"dir": str(out / lam), "maxAbsLogitDiff": diff}
            summary_file.write_text(json.dumps(summary, indent=2))
            say(f"{lam}: exported, max |logit diff| torch vs onnxruntime {diff}")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lam-training", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run", help="train the phases of a config and export each LAM")
    run_parser.add_argument("--config", required=True, type=Path)
    run_parser.add_argument("--data", required=True, type=Path)
    run_parser.add_argument("--out", required=True, type=Path)
    run_parser.add_argument("--only", default=None, help="comma-separated phases to run (default: all in the config)")
    quantize_parser = sub.add_parser("quantize", help="write onnx/model_int8.onnx (dynamic int8) beside an exported onnx/model.onnx")
    quantize_parser.add_argument("model_dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "quantize":
        from .export import quantize_int8

        try:
            print(quantize_int8(args.model_dir))
        except FileNotFoundError as error:
            print(f"lam-training: {error}", file=sys.stderr)
            return 2
        return 0
    try:
        cfg = load_config(args.config)
        summary = run(cfg, args.data, args.out, args.only.split(",") if args.only else None)
    except ConfigError as error:
        print(f"lam-training: {error}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
