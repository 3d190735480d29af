"""Training of the LAM toolkit's own Large Action Model.

The TypeScript side (`lam train`) renders every training sample with `@lam/prompts` and writes them as
JSONL; this package only trains on them: a byte-level BPE tokenizer (`tokenizers`), a Llama decoder from
scratch (`transformers`), the paper's phases 1 and 2 as supervised fine-tuning (TRL), the export to ONNX
(`optimum`) and the parity checks (`onnxruntime`).
"""

__version__ = "0.1.0"
