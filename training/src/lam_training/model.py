"""The decoder: a Llama of the config's size, from scratch (or a base checkpoint for the paper-size recipe)."""

from __future__ import annotations

from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from .config import ConfigError, ModelConfig


def build_model(cfg: ModelConfig, tokenizer: PreTrainedTokenizerFast, seed: int = 0):
    """A new model for `tokenizer`'s vocabulary, or the `base` checkpoint when the config names one."""
    if cfg.base:
        return AutoModelForCausalLM.from_pretrained(cfg.base)
    if cfg.architecture != "llama":
        raise ConfigError(f'model.architecture "{cfg.architecture}" is not supported from scratch: use "llama" (what @lam/runtime and transformers both run)')
    if cfg.hidden_size % cfg.heads != 0:
        raise ConfigError(f"model.hidden_size {cfg.hidden_size} is not a multiple of model.heads {cfg.heads}")
    import torch

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=cfg.hidden_size,
        intermediate_size=cfg.intermediate_size,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        num_key_value_heads=cfg.kv_heads,
        max_position_embeddings=cfg.max_positions,
        rope_theta=cfg.rope_theta,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return LlamaForCausalLM(config)


def count_parameters(model) -> int:
    """Distinct parameters (tied embeddings counted once)."""
    return sum(p.numel() for p in model.parameters())
