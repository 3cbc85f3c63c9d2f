"""Tiny randomly initialised BERT classifier and Llama LM, built in-process from configs.

No weights or network needed: tokenizers are built from a small vocabulary with the `tokenizers`
library, so unit tests exercise the same adapters and tools as the real demo targets.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

WORDS = """the a an and or but not no is was are were be been it this that film movie story
plot acting actors actor director script music great good bad awful terrible wonderful brilliant
boring dull funny witty gorgeous beautiful ugly mess masterpiece love hate fun smart stupid
slow fast long short best worst very too so really quite enough of to in on with for at by from
as its his her their they we you i me my our character characters scene scenes end ending
performance performances cast writing direction visual visuals effects dialogue moments heart
charm charming mediocre flat fresh rotten clever clumsy tedious engaging moving predictable
? ! . , ' - : ;""".split()
SUFFIXES = ["##s", "##ing", "##ed", "##ly", "##er", "##est", "##y"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def _bert_tokenizer():  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIAL + WORDS + SUFFIXES)}
    tok = Tokenizer(WordPiece(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                   model_max_length=64)


@lru_cache(maxsize=1)
def tiny_classifier_parts():  # type: ignore[no-untyped-def]
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tokenizer = _bert_tokenizer()
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=64, max_position_embeddings=64,
                        num_labels=2, id2label={0: "negative", 1: "positive"},
                        label2id={"negative": 0, "positive": 1}, attn_implementation="eager",
                        # a wide init makes the random model opinionated: explanations find
                        # something
                        initializer_range=0.4)
    model = BertForSequenceClassification(config)
    return model.eval(), tokenizer


CHAT = ("{% for m in messages %}<|user|>\n{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>\n{% endif %}")


@lru_cache(maxsize=1)
def tiny_lm_parts():  # type: ignore[no-untyped-def]
    import torch
    from tokenizers import Tokenizer, decoders, pre_tokenizers
    from tokenizers.models import BPE
    from tokenizers.trainers import BpeTrainer
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(vocab_size=400,
                         special_tokens=["<|endoftext|>", "<|user|>", "<|assistant|>"],
                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    corpus = [" ".join(WORDS)] * 3 + ["is the film good or bad ? answer positive or negative ."]
    tok.train_from_iterator(corpus, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>",
                                        pad_token="<|endoftext|>", model_max_length=128)
    tokenizer.chat_template = CHAT
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=128, eos_token_id=0, pad_token_id=0,
                         bos_token_id=0, attn_implementation="eager")
    model = LlamaForCausalLM(config)
    return model.eval(), tokenizer


def tiny_classifier():  # type: ignore[no-untyped-def]
    from saywhy.tools.target.classifier import HFClassifier

    model, tokenizer = tiny_classifier_parts()
    return HFClassifier(model, tokenizer, name="tiny-bert", fingerprint="tiny-bert-0")


def tiny_lm():  # type: ignore[no-untyped-def]
    from saywhy.tools.target.causal_lm import HFCausalLM

    model, tokenizer = tiny_lm_parts()
    return HFCausalLM(model, tokenizer, name="tiny-llama", fingerprint="tiny-llama-0")


REVIEWS = [
    ("a gorgeous , witty film with great acting", "positive"),
    ("boring and predictable , the plot is a mess", "negative"),
    ("the cast is charming and the ending is moving", "positive"),
    ("awful script , terrible dialogue , worst movie", "negative"),
    ("not bad , but too long and slow", "negative"),
    ("a smart , funny and engaging story", "positive"),
    ("the acting is flat and the direction clumsy", "negative"),
    ("brilliant performances and beautiful visuals", "positive"),
    ("tedious , dull and stupid", "negative"),
    ("a masterpiece of heart and charm", "positive"),
    ("the music is great but the story is boring", "negative"),
    ("really fun , really fresh", "positive"),
]


def tiny_frame():  # type: ignore[no-untyped-def]
    import pandas as pd

    split = ["train" if i % 3 else "test" for i in range(len(REVIEWS))]
    return pd.DataFrame({"text": [t for t, _ in REVIEWS], "label": [lab for _, lab in REVIEWS],
                         "split": split})


def save_tiny(root: Path) -> tuple[Path, Path]:
    """The tiny model and its reviews as files, for the command line: (model dir, csv)."""
    model, tokenizer = tiny_classifier_parts()
    model.save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    tiny_frame().to_csv(root / "reviews.csv", index=False)
    return root / "model", root / "reviews.csv"
