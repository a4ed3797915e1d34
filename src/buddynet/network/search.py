"""Full-text search over the library and the answered questions, in Dutch and English.

PostgreSQL: each row keeps ``search_vector`` = ``to_tsvector('dutch', text) ||
to_tsvector('english', text)`` (title weighted A, summary B, the rest C), with a GIN
index; a query is ``websearch_to_tsquery('dutch', q) || websearch_to_tsquery('english',
q)``, ranked with ``ts_rank`` and the matching words shown by ``ts_headline``. The
Snowball stemmers make "vrijwilligers" find "vrijwilliger" and "volunteers" find
"volunteer".

SQLite (development, the tests' default): an FTS5 table ``network_search`` kept in sync
by the services, tokenised with ``porter unicode61 remove_diacritics 2``. The Porter
stemmer is English only; for Dutch each word of the query is cut back by a few common
Dutch endings (-s, -en, -e, -ers → -er) and searched as a prefix ("vrijwilligers" →
``vrijwilliger*``). That finds plural and inflected forms, not irregular ones
(PostgreSQL's Snowball stemmer does better). Ranking is FTS5's bm25, the matching words
come from ``snippet()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Answer, Audience, LibraryItem, Question

# Markers around matching words: control characters never appear in stored text (the
# validators refuse them), so escaping the text and then swapping these is safe.
START, STOP = "\x02", "\x03"
FTS_TABLE = "network_search"
WORD = re.compile(r"\w+", re.UNICODE)
DUTCH_ENDINGS = ("heden", "ingen", "ing", "ers", "en", "es", "s", "e")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def highlighted(text: str) -> SafeString:
    """Escape ``text``; the matching words (between the markers) in ``<mark>``."""
    safe = escape(text or "")
    return mark_safe(safe.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def dutch_prefix(word: str) -> str:
    """A Dutch-ish stem for a prefix query on SQLite: "vrijwilligers" → "vrijwilliger",
    "wachtlijsten" → "wachtlijst"; words stay at least four letters."""
    word = word.lower()
    for ending in DUTCH_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            if ending == "ers":
                return word[:-1]
            return word[: -len(ending)]
    return word


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: every word, as a prefix of its Dutch-ish stem OR the
    word itself (Porter-stemmed by the tokenizer for English)."""
    parts = []
    for word in WORD.findall(text)[:12]:
        stem = dutch_prefix(word)
        parts.append(f'("{word.lower()}" OR "{stem}"*)')
    return " AND ".join(parts)


# --- keeping the index -----------------------------------------------------------------


def _item_text(item: LibraryItem) -> str:
    return "\n".join([item.body, item.transcript])


def index_item(item: LibraryItem) -> None:
    """Bring one library item into the search index (call after saving it)."""
    if is_postgres():
        LibraryItem.objects.filter(pk=item.pk).update(search_vector=_pg_vector(item=True))
    else:
        _fts_put(
            "item",
            item.pk,
            item.network_id,
            item.audience,
            item.title,
            item.summary,
            _item_text(item),
        )


def index_question(question: Question) -> None:
    """Bring a question and its answers into the search index."""
    if is_postgres():
        answers = " ".join(Answer.objects.filter(question=question).values_list("body", flat=True))
        Question.objects.filter(pk=question.pk).update(search_vector=_pg_question_vector(answers))
    else:
        answers = " ".join(Answer.objects.filter(question=question).values_list("body", flat=True))
        _fts_put(
            "question",
            question.pk,
            question.network_id,
            Audience.COORDINATORS,
            question.title,
            question.body,
            answers,
        )


def _pg_vector(*, item: bool):
    vector = None
    for config in ("dutch", "english"):
        part = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", "transcript", weight="C", config=config)
        )
        vector = part if vector is None else vector + part
    return vector


def _pg_question_vector(answers: str):
    vector = None
    for config in ("dutch", "english"):
        part = (
            SearchVector("title", weight="A", config=config)
            + SearchVector("body", weight="B", config=config)
            + SearchVector(Value(answers), weight="C", config=config)
        )
        vector = part if vector is None else vector + part
    return vector


def _fts_put(kind, ref_id, network_id, audience, title, summary, text) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM network_search WHERE kind = %s AND ref_id = %s", [kind, ref_id])
        cursor.execute(
            "INSERT INTO network_search (kind, ref_id, network_id, audience, title, summary, body)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [kind, ref_id, network_id, audience, title, summary, text],
        )


def fts_bulk(rows) -> None:
    """Many rows at once (the benchmark, the demo): (kind, ref_id, network_id, audience,
    title, summary, text)."""
    if is_postgres():
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO network_search (kind, ref_id, network_id, audience, title, summary, body)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            list(rows),
        )


def reindex_pg_items(queryset) -> None:
    """PostgreSQL: recompute the vectors of many items in one statement."""
    queryset.update(search_vector=_pg_vector(item=True))


def reindex_pg_questions(queryset) -> None:
    for question in queryset:
        index_question(question)


# --- searching -------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str  # "item" or "question"
    obj: object
    rank: float
    snippet: SafeString


def audiences_for(buddy_only: bool) -> list[str]:
    if buddy_only:
        return [Audience.BUDDIES, Audience.BOTH]
    return [Audience.COORDINATORS, Audience.BUDDIES, Audience.BOTH]


def search(*, network, text: str, buddy_only: bool, limit: int = 20, theme: str = "") -> list[Hit]:
    """The best ``limit`` library items and answered questions for ``text``, best first,
    each with its matching words. Buddies get buddy items only and no questions."""
    text = (text or "").strip()[:200]
    if not WORD.search(text):
        return []
    if is_postgres():
        return _pg_search(network, text, buddy_only, limit, theme)
    return _fts_search(network, text, buddy_only, limit, theme)


def _theme_q(theme: str) -> Q:
    # JSON lists compared as text: works the same on SQLite and PostgreSQL.
    return Q(themes__icontains=f'"{theme}"') if theme else Q()


def _headline(text, query) -> SearchHeadline:
    """The passage of ``text`` that matches, its words between ``START`` and ``STOP``."""
    return SearchHeadline(
        text, query, config="dutch", start_sel=START, stop_sel=STOP, max_words=30, min_words=10
    )


def _pg_search(network, text, buddy_only, limit, theme) -> list[Hit]:
    query = SearchQuery(text, config="dutch", search_type="websearch") | SearchQuery(
        text, config="english", search_type="websearch"
    )
    items = (
        LibraryItem.objects.filter(
            network=network, audience__in=audiences_for(buddy_only), search_vector=query
        )
        .filter(_theme_q(theme))
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-pk")[:limit]
    )
    items = items.annotate(
        headline=_headline(
            Concat(
                "title",
                Value(" — "),
                "summary",
                Value(" "),
                "body",
                Value(" "),
                "transcript",
                output_field=TextField(),
            ),
            query,
        )
    )
    hits = [Hit("item", i, i.rank, highlighted(i.headline)) for i in items]
    if not buddy_only:
        questions = (
            Question.objects.filter(network=network, answer_count__gt=0, search_vector=query)
            .filter(_theme_q(theme))
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-pk")[:limit]
            .annotate(
                headline=_headline(
                    Concat("title", Value(" — "), "body", output_field=TextField()), query
                )
            )
        )
        hits += [Hit("question", q, q.rank, highlighted(q.headline)) for q in questions]
    hits.sort(key=lambda h: -h.rank)
    return hits[:limit]


def _fts_search(network, text, buddy_only, limit, theme) -> list[Hit]:
    match = fts_query(text)
    audiences = audiences_for(buddy_only)
    kinds = ["item"] if buddy_only else ["item", "question"]
    placeholders = ", ".join(["%s"] * len(audiences))
    kind_marks = ", ".join(["%s"] * len(kinds))
    # Fetch more than the limit when a theme filters afterwards.
    fetch = limit * 5 if theme else limit
    # Only "%s" placeholders are put in; every value is a bound parameter.
    sql = (
        "SELECT kind, ref_id, bm25(network_search, 0, 0, 0, 0, 10.0, 4.0, 1.0) AS score, "  # noqa: S608
        "snippet(network_search, -1, %s, %s, '…', 24) "
        "FROM network_search WHERE network_search MATCH %s AND network_id = %s "
        f"AND audience IN ({placeholders}) AND kind IN ({kind_marks}) "
        "ORDER BY score LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [START, STOP, match, network.pk, *audiences, *kinds, fetch])
        rows = cursor.fetchall()
    item_ids = [r[1] for r in rows if r[0] == "item"]
    question_ids = [r[1] for r in rows if r[0] == "question"]
    items = LibraryItem.objects.filter(pk__in=item_ids).filter(_theme_q(theme)).in_bulk()
    questions = (
        Question.objects.filter(pk__in=question_ids, answer_count__gt=0)
        .filter(_theme_q(theme))
        .in_bulk()
    )
    hits = []
    for kind, ref_id, score, snippet in rows:
        obj = (items if kind == "item" else questions).get(ref_id)
        if obj is None:
            continue
        hits.append(Hit(kind, obj, -float(score), _fts_snippet(obj, kind, snippet)))
    return hits[:limit]


def _fts_snippet(obj, kind, snippet: str) -> SafeString:
    """FTS5's snippet of the best column; the summary when it shows no match."""
    if START in (snippet or ""):
        return highlighted(snippet)
    return highlighted(((obj.summary if kind == "item" else obj.body) or "")[:200])
