"""The peer of the step-latency benchmark: the same ONNX model folder decoded by Hugging Face
transformers' generate() (through optimum's ORTModelForCausalLM, which runs the same model file with
onnxruntime), greedy, on the same prompt token ids, for as many new tokens as our engine wrote.

Usage: python transformers_generate.py <model dir> <prompts.jsonl>  (lines: {"ids": [...], "new": n})
Prints one JSON object: per prompt the seconds to the first token and to the last.
"""

import json
import sys
import time

import torch
from optimum.onnxruntime import ORTModelForCausalLM


def main() -> None:
    model_dir, prompts_file = sys.argv[1], sys.argv[2]
    model = ORTModelForCausalLM.from_pretrained(model_dir, subfolder="onnx", file_name="model.onnx", use_cache=True)
    prompts = [json.loads(line) for line in open(prompts_file, encoding="utf-8") if line.strip()]

    def generate(ids: list[int], new: int) -> float:
        inputs = torch.tensor([ids])
        started = time.perf_counter()
        model.generate(
            inputs,
            attention_mask=torch.ones_like(inputs),
            max_new_tokens=new,
            min_new_tokens=new,
            do_sample=False,
        )
        return time.perf_counter() - started

    generate(prompts[0]["ids"], 8)  # warm-up
    rows = []
    for prompt in prompts:
        first = generate(prompt["ids"], 1)
        total = generate(prompt["ids"], prompt["new"])
        rows.append({"new": prompt["new"], "firstSeconds": first, "totalSeconds": total})
    json.dump({"engine": "transformers generate() via optimum ORTModelForCausalLM", "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
