"""Match articles against every watch at once.

All watches are compiled once into one Aho-Corasick automaton of the words of their terms
(folded, see `monitor.folding`; each between spaces so that only whole words are found, the last
word of a prefix open at its end) and one small function per watch.  Each article's fields are
folded once and scanned once for all those words (`monitor.scan`); a phrase is found where its
words follow one another with only spaces between them in the folded text.  A watch is evaluated
only when one of its triggers occurred: the cheapest set of its term groups (a word, a phrase, an
alias set) that it cannot match without, "cheapest" meaning looked for by the fewest watches;
then a check that every group it requires is there; then its own function, over the occurrences
and their positions (for fields, NEAR, SENTENCE, prominence and highlighting).

Where plain terms look: the headline, the standfirst (subtitle) and the body.  ``title:`` looks in
the headline, ``body:`` in the body, ``lead:`` in the headline, standfirst and first two paragraphs
of the body, ``site:`` in the site's name, ``author:`` in each author, ``tag:`` in each tag.  A
watch's `Prominence` can narrow where its plain terms look (``in``) and ask for more mentions.
A phrase matches consecutive words of one field, whatever lies between them; NEAR counts the words
between its terms within one field; SENTENCE wants its terms in one sentence of one field.

Offsets (``Span``) always refer to the original, unfolded field text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from monitor.folding import fold, words
from monitor.query import (
    Alias,
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Sentence,
    Term,
    unparse,
)
from monitor.scan import (
    ORDER,
    SCOPES,
    TEXT,
    Article,
    FieldName,
    Scan,
    Span,
    field_text,
    segments,
)

__all__ = [
    "Article",
    "Hit",
    "Matcher",
    "Prominence",
    "Span",
    "fold",
    "words",
]

PROMINENCE_FIELDS = ("title", "lead", "body")
# A sentence ends at a line break, a CJK full stop, or [.!?…] (and closing quotes) before a space.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u2019\u201d)\]]*(?=\s)|[\u3002\uff01\uff1f\n]")


@dataclass(frozen=True)
class Prominence:
    """How prominent a watch's mentions must be: at least `min_mentions` occurrences of its
    positive terms, looked for (when plain) only in `fields` (title, lead, body; () = all text)."""

    min_mentions: int = 1
    fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.min_mentions < 1 or not set(self.fields) <= set(PROMINENCE_FIELDS):
            raise ValueError(f"min_mentions >= 1 and fields from {PROMINENCE_FIELDS}: {self}")

    @property
    def mask(self) -> int:
        mask = 0
        for name in self.fields:
            mask |= SCOPES[name]
        return mask or TEXT


@dataclass(frozen=True)
class Hit:
    """A watch that matched: the positive terms that occurred (canonical text, query order) and
    every place they occurred, by field (title, subtitle, body, site, author, tag), then offset."""

    watch: str
    terms: tuple[str, ...]
    spans: tuple[Span, ...]


_Test = Callable[[Scan], bool]
# (field and item, folded start, folded end, original offset for SENTENCE, segment number)
_Place = tuple[tuple[int, int], int, int, int, int]
_NON_SPACE = re.compile("[^ ]")


class _Keys:
    """The distinct folded terms of all watches, numbered; a term's key is `` w1 w2 `` (a prefix
    has no closing space).  The automaton looks for their words: `` w `` (`` w`` for the last
    word of a prefix), numbered too."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []
        self.groups: dict[tuple[int, ...], int] = {}  # sorted key ids -> group id
        self.of_key: list[list[int]] = []  # key id -> the groups it belongs to
        self.chains: list[tuple[int, ...]] = []  # key id -> its words' ids
        self.words: dict[str, int] = {}  # `` w `` or `` w`` -> word id
        self.first_of: list[list[int]] = []  # word id -> the keys that start with it

    def group(self, terms: Iterable[Term]) -> int:
        """The id of the set of these terms' keys: present where any of them occurred."""
        kids = tuple(sorted({k for k in map(self.add, terms) if k >= 0}))
        gid = self.groups.get(kids)
        if gid is None:
            gid = self.groups[kids] = len(self.groups)
            for kid in kids:
                self.of_key[kid].append(gid)
        return gid

    def single(self, kid: int) -> int:
        """The id of the group of one key."""
        gid = self.groups.get((kid,))
        if gid is None:
            gid = self.groups[(kid,)] = len(self.groups)
            self.of_key[kid].append(gid)
        return gid

    def add(self, term: Term) -> int:
        folded = words(" ".join(term.words))
        if not folded:
            return -1
        key = " " + " ".join(folded) + ("" if term.prefix else " ")
        kid = self.ids.get(key)
        if kid is None:
            kid = self.ids[key] = len(self.texts)
            self.texts.append(key)
            self.of_key.append([])
            last = len(folded) - 1
            chain = []
            for number, word in enumerate(folded):
                text = " " + word + ("" if term.prefix and number == last else " ")
                wid = self.words.get(text)
                if wid is None:
                    wid = self.words[text] = len(self.first_of)
                    self.first_of.append([])
                chain.append(wid)
            self.chains.append(tuple(chain))
            self.first_of[chain[0]].append(kid)
        return kid


@dataclass(frozen=True)
class _Watch:
    name: str
    test: _Test
    positive: tuple[tuple[int, int, str], ...]  # (key id, mask, canonical term)
    min_mentions: int
    required: tuple[tuple[int, int], ...]  # (group, mask): all must be present to match


class _Compiler:
    def __init__(self, keys: _Keys) -> None:
        self.keys = keys

    def positive(self, node: Node, mask: int, negated: bool = False) -> list[tuple[int, int, str]]:
        if isinstance(node, Term):
            return [] if negated else [(self.keys.add(node), mask, unparse(node))]
        if isinstance(node, Alias):
            return [] if negated else [(self.keys.add(t), mask, unparse(t)) for t in node.terms]
        if isinstance(node, Not):
            return self.positive(node.child, mask, not negated)
        if isinstance(node, Field):
            return self.positive(node.child, SCOPES[node.name], negated)
        return [p for c in node.children for p in self.positive(c, mask, negated)]

    def test(self, node: Node, mask: int) -> _Test:
        if isinstance(node, Term | Alias):
            gid = self.keys.group(node.terms if isinstance(node, Alias) else (node,))
            return lambda scan: bool(scan.present.get(gid, 0) & mask)
        if isinstance(node, Field):
            return self.test(node.child, SCOPES[node.name])
        if isinstance(node, Not):
            inner = self.test(node.child, mask)
            return lambda scan: not inner(scan)
        if isinstance(node, Near | Sentence):
            return self.proximity(node, mask)
        tests = tuple(self.test(c, mask) for c in node.children)
        if isinstance(node, And):
            return lambda scan: all(t(scan) for t in tests)
        return lambda scan: any(t(scan) for t in tests)

    def required(self, node: Node, mask: int) -> list[tuple[int, int]]:
        """(group, mask) pairs that an article must all have for the node to match."""
        if isinstance(node, Term | Alias):
            return [(self.keys.group(_alternatives(node)), mask)]
        if isinstance(node, Field):
            return self.required(node.child, SCOPES[node.name])
        if isinstance(node, Near | Sentence):
            return [(self.keys.group(_alternatives(c)), mask) for c in node.children]
        if isinstance(node, And):
            return [r for c in node.children for r in self.required(c, mask)]
        if isinstance(node, Or) and all(isinstance(c, Term | Alias) for c in node.children):
            return [(self.keys.group(_alternatives(node)), mask)]
        return []

    def groups(self, node: Node) -> set[int]:
        """Every group of terms the node looks for positively."""
        if isinstance(node, Term | Alias):
            return {self.keys.group(_alternatives(node))}
        if isinstance(node, Not):
            return set()
        if isinstance(node, Field):
            return self.groups(node.child)
        if isinstance(node, Near | Sentence):
            return {self.keys.group(_alternatives(c)) for c in node.children}
        return {g for c in node.children for g in self.groups(c)}

    def triggers(self, node: Node, cost: Callable[[frozenset[int]], int]) -> frozenset[int] | None:
        """Groups one of which an article must have for the node to match, as cheap as `cost`
        can find; None when there are none (a NOT)."""
        if isinstance(node, Term | Alias):
            return frozenset({self.keys.group(_alternatives(node))})
        if isinstance(node, Not):
            return None
        if isinstance(node, Field):
            return self.triggers(node.child, cost)
        if isinstance(node, Near | Sentence):
            args = [frozenset({self.keys.group(_alternatives(c))}) for c in node.children]
            return min(args, key=cost)
        found = [self.triggers(c, cost) for c in node.children]
        if isinstance(node, And):
            options = [t for t in found if t is not None]
            return min(options, key=cost) if options else None
        if any(t is None for t in found):
            return None
        return frozenset().union(*(t for t in found if t is not None))

    def proximity(self, node: Near | Sentence, mask: int) -> _Test:
        args = tuple(tuple(self.keys.add(t) for t in _alternatives(c)) for c in node.children)
        sentence = isinstance(node, Sentence)
        distance = node.distance if isinstance(node, Near) else 0

        def places(scan: Scan, kids: tuple[int, ...]) -> list[_Place]:
            out: list[_Place] = []
            for kid in kids:
                if not scan.where.get(kid, 0) & mask:
                    continue
                for number, start, end, bit in scan.found[kid]:
                    if not bit & mask:
                        continue
                    segment = scan.segments[number]
                    at = segment.folded.original_offset(start) if sentence else 0
                    where = (ORDER[segment.field], segment.item)
                    out.append((where, start, end, at, number))
            return out

        def one_sentence(scan: Scan, where: tuple[int, int], chosen: list[_Place]) -> bool:
            field = FieldName.__args__[where[0]]  # type: ignore[attr-defined]
            text = field_text(scan.article, field, where[1])
            ats = [p[3] for p in chosen]
            return _SENTENCE_END.search(text, min(ats), max(ats)) is None

        def close_enough(scan: Scan, where: tuple[int, int], chosen: list[_Place]) -> bool:
            between = 0
            ordered = sorted(chosen, key=lambda p: p[1])
            end = ordered[0][1]
            for _, start, stop, _, number in ordered:
                between += scan.words_between(number, end, start, distance)
                end = max(end, stop)
            return between <= distance

        fits = one_sentence if sentence else close_enough
        reach = None if sentence else distance

        def test(scan: Scan) -> bool:
            found = []
            for kids in args:
                got = places(scan, kids)
                if not got:
                    return False
                found.append(got)
            return _together(scan, found, fits, reach)

        return test


def _alternatives(node: Node) -> Iterable[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, Alias):
        yield from node.terms
    elif isinstance(node, Or):
        for child in node.children:
            yield from _alternatives(child)


def _together(
    scan: Scan,
    found: list[list[_Place]],
    fits: Callable[[Scan, tuple[int, int], list[_Place]], bool],
    reach: int | None,
) -> bool:
    """Whether one place of each argument, all in one field, `fits` together.

    Each place is tried as the first, with the earliest place of every other argument after
    it; `reach` (words between) stops the search early."""
    wanted = len(found)
    places = sorted((p, arg) for arg, got in enumerate(found) for p in got)
    for i, (place, arg) in enumerate(places):
        where, _, after, _, number = place
        chosen = {arg: place}
        for other, arg2 in places[i + 1 :]:
            if other[0] != where or (
                reach is not None and scan.words_between(number, after, other[1], reach) > reach
            ):
                break
            if arg2 not in chosen:
                chosen[arg2] = other
                after = max(after, other[2])
                if len(chosen) == wanted:
                    break
        if len(chosen) == wanted and fits(scan, where, list(chosen.values())):
            return True
    return False


WatchSpec = tuple[str, Node] | tuple[str, Node, Prominence]


class Matcher:
    """All watches compiled once; match() tells which of them an article satisfies."""

    def __init__(self, watches: Iterable[WatchSpec]) -> None:
        self._keys = _Keys()
        compiler = _Compiler(self._keys)
        self._watches: list[_Watch] = []
        queries: list[Node] = []
        for spec in watches:
            name, query = spec[0], spec[1]
            queries.append(query)
            prominence = spec[2] if len(spec) == 3 else Prominence()
            mask = prominence.mask
            positive = tuple(p for p in compiler.positive(query, mask) if p[0] >= 0)
            test = compiler.test(query, mask)
            required = tuple(dict.fromkeys(compiler.required(query, mask)))
            self._watches.append(_Watch(name, test, positive, prominence.min_mentions, required))
        # Each watch is looked at only when one of its triggers occurred: groups of terms one of
        # which it cannot match without, chosen among those the fewest watches look for.
        popularity: dict[int, int] = {}
        for query in queries:
            for gid in compiler.groups(query):
                popularity[gid] = popularity.get(gid, 0) + 1

        def cost(groups: frozenset[int]) -> int:
            return sum(popularity.get(g, 0) for g in groups)

        by_group: dict[int, set[int]] = {}
        for number, (watch, query) in enumerate(zip(self._watches, queries, strict=True)):
            triggers = compiler.triggers(query, cost)
            if triggers is None:  # cannot happen for a parsed query; keep every positive term
                triggers = frozenset(self._keys.single(kid) for kid, _, _ in watch.positive)
            for gid in triggers:
                by_group.setdefault(gid, set()).add(number)
        self._by_group = {gid: tuple(sorted(ws)) for gid, ws in by_group.items()}
        self._automaton: Any = None
        if self._keys.words:
            automaton = ahocorasick.Automaton()
            for text, wid in self._keys.words.items():
                automaton.add_word(text, (wid, len(text), not text.endswith(" ")))
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def keys(self) -> tuple[str, ...]:
        """The folded terms of the watches (`` japan ``, `` japan display ``, `` micro``), for
        benchmarks."""
        return tuple(self._keys.texts)

    def match(self, article: Article | str, body: str = "") -> list[Hit]:
        """The hits for one article, in the order the watches were given.

        `article` is an Article, or (as before there were fields) the title, with `body`."""
        if isinstance(article, str):
            article = Article(title=article, body=body)
        if self._automaton is None:
            return []
        scan = Scan(segments(article), article)
        found, where = scan.found, scan.where
        iterate = self._automaton.iter
        chains, first_of = self._keys.chains, self._keys.first_of
        for number, segment in enumerate(scan.segments):
            text = segment.folded.text
            seen: dict[int, list[tuple[int, int]]] = {}  # word id -> [(start, end)]
            for last, (wid, size, prefix) in iterate(text):
                start = last - size + 2
                end = text.index(" ", last) if prefix else last
                got = seen.get(wid)
                if got is None:
                    seen[wid] = [(start, end)]
                else:
                    got.append((start, end))
            starts: dict[int, dict[int, int]] = {}
            for wid, places in seen.items():
                for kid in first_of[wid]:
                    chain = chains[kid]
                    if len(chain) > 1:
                        if not all(w in seen for w in chain):
                            continue
                        places = _phrases(text, places, chain, seen, starts, segment.cut)
                        if not places:
                            continue
                    occurrences = found.setdefault(kid, [])
                    bits = where.get(kid, 0)
                    for start, end in places:
                        bit = segment.bit_at(start)
                        occurrences.append((number, start, end, bit))
                        bits |= bit
                    where[kid] = bits
        present, of_key = scan.present, self._keys.of_key
        for kid, bits in where.items():
            for gid in of_key[kid]:
                present[gid] = present.get(gid, 0) | bits
        candidates: set[int] = set()
        by_group = self._by_group
        for gid in present:
            candidates.update(by_group.get(gid, ()))
        hits: list[Hit] = []
        for number in sorted(candidates):
            watch = self._watches[number]
            if all(present.get(g, 0) & m for g, m in watch.required) and watch.test(scan):
                hit = self._hit(watch, scan)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _hit(self, watch: _Watch, scan: Scan) -> Hit | None:
        terms: dict[str, None] = {}
        places: set[tuple[int, int, int]] = set()
        for kid, mask, text in watch.positive:
            if not scan.where.get(kid, 0) & mask:
                continue
            for number, start, end, bit in scan.found[kid]:
                if bit & mask:
                    terms.setdefault(text)
                    places.add((number, start, end))
        if len(places) < watch.min_mentions:
            return None
        spans = []
        known = scan.spans
        for place in places:
            span = known.get(place)
            if span is None:
                number, start, end = place
                segment = scan.segments[number]
                s, e = segment.folded.original_span(start, end)
                span = Span(segment.field, s, e, segment.item)
                known[place] = span
            spans.append(span)
        spans.sort(key=lambda s: (ORDER[s.field], s.item, s.start, s.end))
        unique = tuple(dict.fromkeys(spans))
        return Hit(watch.name, tuple(terms), unique)


def _phrases(
    text: str,
    places: list[tuple[int, int]],
    chain: tuple[int, ...],
    seen: dict[int, list[tuple[int, int]]],
    starts: dict[int, dict[int, int]],
    cut: int,
) -> list[tuple[int, int]]:
    """Where the words of `chain` follow one another (only spaces between them), from the
    places of its first word; never across the `cut` between the body's lead and the rest."""
    out = []
    for start, first_end in places:
        end = first_end
        for wid in chain[1:]:
            after = _NON_SPACE.search(text, end)
            if after is None:
                break
            table = starts.get(wid)
            if table is None:
                table = starts[wid] = dict(seen[wid])
            end = table.get(after.start(), -1)
            if end < 0:
                break
        else:
            if not start < cut < end:
                out.append((start, end))
    return out
