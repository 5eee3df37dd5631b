"""The benchmarks' corpus of generated articles: `newsdesk/demo/generate.py` writes it.

One implementation serves `manage.py generate_content` and the benchmarks; this module only
names what the benchmarks use.
"""

from newsdesk.demo.generate import (
    NUMBER_SUFFIX,
    corpus_articles,
    ensure_corpus,
    generation_rate,
    refresh_dates,
    sentence_pool,
)

__all__ = [
    "NUMBER_SUFFIX",
    "corpus_articles",
    "ensure_corpus",
    "generation_rate",
    "refresh_dates",
    "sentence_pool",
]
