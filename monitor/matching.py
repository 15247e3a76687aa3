"""Match articles against every watch at once.

All watches are compiled once into one Aho-Corasick automaton of one word of each term (folded,
see `monitor.folding`; between spaces so that only whole words are found, the last word of a
prefix open at its end; a phrase's longest word, so that "of" or "the" is never looked for alone)
and one small function per watch.  Each article's fields are folded once and scanned once for all
those words (`monitor.scan`); around each word found, the other words of its phrases are compared
with the folded text (only spaces may lie between them).  A watch is evaluated
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

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ahocorasick_rs

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
    REST,
    SCOPES,
    TEXT,
    Article,
    Occurrence,
    Rows,
    Scan,
    Span,
    segments,
)

# A Span or a Hit made with one attribute write (its __dict__) instead of the frozen dataclass's
# __init__, which sets each field through object.__setattr__ (an article's hits have ~12 Spans).
_new = object.__new__
_set = object.__setattr__

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
# What the automaton's word stands for: (a prefix?, the keys that are the word alone, the keys
# anchored on it with (key, words before it nearest first, words after it, the last a prefix))
_Anchor = tuple[
    bool, tuple[int, ...], tuple[tuple[int, tuple[str, ...], tuple[str, ...], bool], ...]
]
# (segment number, folded start, folded end)
_Place = tuple[int, int, int]
# After how many articles the triggers are picked again from how often each group occurred.
_PICK_AT = frozenset({256, 4096})
_LEARN_UNTIL = max(_PICK_AT)


class _Keys:
    """The distinct folded terms of all watches, numbered; a term's key is `` w1 w2 `` (a prefix
    has no closing space).  The automaton looks for one word of each, its anchor: `` w `` (`` w``
    for the last word of a prefix), numbered too."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []
        self.groups: dict[tuple[int, ...], int] = {}  # sorted key ids -> group id
        self.of_key: list[list[int]] = []  # key id -> the groups it belongs to
        # key id -> (words before the anchor, last first; words after it; the last a prefix)
        self.around: list[tuple[tuple[str, ...], tuple[str, ...], bool]] = []
        self.words: dict[str, int] = {}  # `` w `` or `` w`` -> word id
        self.anchor_of: list[list[int]] = []  # word id -> the keys anchored on it

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
            anchor = max(range(len(folded)), key=lambda i: len(folded[i]))
            prefix = term.prefix and anchor == len(folded) - 1
            text = " " + folded[anchor] + ("" if prefix else " ")
            wid = self.words.get(text)
            if wid is None:
                wid = self.words[text] = len(self.anchor_of)
                self.anchor_of.append([])
            self.anchor_of[wid].append(kid)
            before = tuple(reversed(folded[:anchor]))
            self.around.append((before, tuple(folded[anchor + 1 :]), term.prefix))
        return kid


@dataclass(frozen=True)
class _Watch:
    name: str
    test: _Test | None  # None: the required groups decide
    positive: tuple[tuple[int, int, str], ...]  # (key id, mask, canonical term)
    min_mentions: int
    required: tuple[tuple[int, int], ...]  # (group, mask): all must be present to match
    excluded: tuple[tuple[int, int], ...] = ()  # (group, mask): none may be present


class _Compiler:
    def __init__(self, keys: _Keys) -> None:
        self.keys = keys
        self.looked_in = 0  # the bits of every segment some term looks in

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
            self.looked_in |= mask
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
        return _all(tests) if isinstance(node, And) else _any(tests)

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

    def decided(self, node: Node) -> bool:
        """Whether `required` says all there is to the node: the node matches exactly when
        every (group, mask) pair it gives is present."""
        if isinstance(node, Term | Alias):
            return True
        if isinstance(node, Field):
            return self.decided(node.child)
        if isinstance(node, And):
            return all(self.decided(c) for c in node.children)
        return isinstance(node, Or) and all(isinstance(c, Term | Alias) for c in node.children)

    def residual(self, node: Node, mask: int, excluded: list[tuple[int, int]]) -> _Test | None:
        """A test of what `required` does not decide, for an article that has all the node's
        required groups: None when they decide it all (words, phrases, aliases joined by AND,
        OR of words), else the test of the parts of its ANDs they do not.  A NOT of a word,
        phrase or alias under those ANDs is added to `excluded` as (group, mask) instead: the
        node matches only when none of those is present."""
        if self.decided(node):
            return None
        if isinstance(node, Field):
            return self.residual(node.child, SCOPES[node.name], excluded)
        if isinstance(node, Not):
            inner: Node = node.child
            scope = mask
            if isinstance(node.child, Field):
                inner, scope = node.child.child, SCOPES[node.child.name]
            if isinstance(inner, Term | Alias):
                self.looked_in |= scope
                terms = inner.terms if isinstance(inner, Alias) else (inner,)
                excluded.append((self.keys.group(terms), scope))
                return None
        if isinstance(node, And):
            tests = [
                t for c in node.children if (t := self.residual(c, mask, excluded)) is not None
            ]
            if not tests:
                return None
            return tests[0] if len(tests) == 1 else _all(tuple(tests))
        return self.test(node, mask)

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
        self.looked_in |= mask
        args = tuple(tuple(self.keys.add(t) for t in _alternatives(c)) for c in node.children)
        if isinstance(node, Sentence):
            return self.sentence(args, mask)
        distance = node.distance

        def places(scan: Scan, kids: tuple[int, ...]) -> list[_Place]:
            out: list[_Place] = []
            for kid in kids:
                if not scan.where.get(kid, 0) & mask:
                    continue
                for number, start, end, bit in scan.found[kid]:
                    if bit & mask:
                        out.append((number, start, end))
            return out

        def close_enough(scan: Scan, chosen: list[_Place]) -> bool:
            between = 0
            ordered = sorted(chosen, key=lambda p: p[1])
            end = ordered[0][1]
            for number, start, stop in ordered:
                between += scan.words_between(number, end, start, distance)
                end = max(end, stop)
            return between <= distance

        def test(scan: Scan) -> bool:
            found = []
            for kids in args:
                got = places(scan, kids)
                if not got:
                    return False
                found.append(got)
            if len(found) == 2:
                return _near_pair(scan, found, close_enough, distance)
            return _together(scan, found, close_enough, distance)

        return test

    def sentence(self, args: tuple[tuple[int, ...], ...], mask: int) -> _Test:
        """One place of each argument in one sentence.  For two arguments: some two places next
        to each other in the field, one of each, with no sentence end between them; for more,
        places are told apart by the sentence end that follows them (`Scan.sentence`)."""

        def places(scan: Scan, kids: tuple[int, ...], arg: int) -> list[tuple[int, int, int]]:
            out = []
            for kid in kids:
                if scan.where.get(kid, 0) & mask:
                    for number, start, _, bit in scan.found[kid]:
                        if bit & mask:
                            out.append((number, start, arg))
            return out

        def pair(scan: Scan) -> bool:
            first = places(scan, args[0], 0)
            second = places(scan, args[1], 1) if first else None
            if not second:
                return False
            ordered = sorted(first + second)
            for (number, start, arg), (other, end, arg2) in itertools.pairwise(ordered):
                if arg != arg2 and number == other and scan.one_sentence(number, start, end):
                    return True
            return False

        if len(args) == 2:
            return pair

        def test(scan: Scan) -> bool:
            common: set[tuple[int, int]] | None = None
            for kids in args:
                got = set()
                for kid in kids:
                    if not scan.where.get(kid, 0) & mask:
                        continue
                    for number, start, _, bit in scan.found[kid]:
                        if bit & mask:
                            got.add((number, scan.sentence(number, start)))
                common = got if common is None else common & got
                if not common:
                    return False
            return True

        return test


def _all(tests: tuple[_Test, ...]) -> _Test:
    if len(tests) == 2:
        first, second = tests
        return lambda scan: first(scan) and second(scan)

    def test(scan: Scan) -> bool:
        for one in tests:  # noqa: SIM110 (a loop: no generator made for each article)
            if not one(scan):
                return False
        return True

    return test


def _any(tests: tuple[_Test, ...]) -> _Test:
    if len(tests) == 2:
        first, second = tests
        return lambda scan: first(scan) or second(scan)

    def test(scan: Scan) -> bool:
        for one in tests:  # noqa: SIM110 (a loop: no generator made for each article)
            if one(scan):
                return True
        return False

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
    fits: Callable[[Scan, list[_Place]], bool],
    reach: int,
) -> bool:
    """Whether one place of each argument, all in one segment, `fits` together.

    Each place is tried as the first, with the earliest place of every other argument after
    it; `reach` (words between) stops the search early."""
    wanted = len(found)
    places = sorted((p, arg) for arg, got in enumerate(found) for p in got)
    for i, (place, arg) in enumerate(places):
        number, _, after = place
        chosen = {arg: place}
        for j in range(i + 1, len(places)):  # (not a slice: a copy of the rest for each place)
            other, arg2 = places[j]
            if other[0] != number or scan.beyond(number, after, other[1], reach):
                break
            if arg2 not in chosen:
                chosen[arg2] = other
                after = max(after, other[2])
                if len(chosen) == wanted:
                    break
        if len(chosen) == wanted and fits(scan, list(chosen.values())):
            return True
    return False


def _near_pair(
    scan: Scan,
    found: list[list[_Place]],
    fits: Callable[[Scan, list[_Place]], bool],
    reach: int,
) -> bool:
    """`_together` for two arguments, in one pass over the places in order: each place is
    tried with the place of the other argument before it in its segment that ends last (the
    fewest words between; `_together` tries each with the next of the other argument, which
    finds a pair exactly when this does)."""
    places = sorted((p, arg) for arg, got in enumerate(found) for p in got)
    number = -1
    latest: list[_Place | None] = [None, None]  # for each argument, in this segment
    for place, arg in places:
        if place[0] != number:
            number, latest = place[0], [None, None]
        other = latest[1 - arg]
        if (
            other is not None
            and not scan.beyond(number, other[2], place[1], reach)
            and fits(scan, [other, place])
        ):
            return True
        mine = latest[arg]
        if mine is None or place[2] > mine[2]:
            latest[arg] = place
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
            compiler.test(query, mask)  # which notes where it looks
            excluded: list[tuple[int, int]] = []
            test = compiler.residual(query, mask, excluded)
            required = tuple(dict.fromkeys(compiler.required(query, mask)))
            self._watches.append(
                _Watch(name, test, positive, prominence.min_mentions, required, tuple(excluded))
            )
        # Each watch is looked at only when one of its triggers occurred: groups of terms one of
        # which it cannot match without, chosen among those the fewest watches look for; once
        # articles have been seen, among those that occurred in the fewest articles.
        self._compiler, self._queries = compiler, queries
        self._popularity: Counter[int] = Counter()
        for query in queries:
            self._popularity.update(compiler.groups(query))
        self._occurred: Counter[int] = Counter()  # group -> articles it occurred in
        self._articles = 0
        self._by_group: dict[int, tuple[int, ...]] = {}
        self._by_key: list[tuple[int, ...]] = []
        self._pick_triggers()
        # for each watch: its required groups (a set), its (group, mask) pairs, its test
        self._checks = [
            (
                sum(1 << g for g in {g for g, _ in watch.required}),
                watch.required,
                watch.excluded,
                watch.test,
            )
            for watch in self._watches
        ]
        # key id -> the bits of the groups it is in
        self._key_groups = [sum(1 << g for g in set(groups)) for groups in self._keys.of_key]
        # The automaton (ahocorasick-rs: a DFA in Rust, its offsets in characters) and for each
        # of its words: (a prefix?, the keys that are this word alone, the keys anchored on it
        # with the words around the anchor)
        self._automaton: ahocorasick_rs.AhoCorasick | None = None
        self._bytes_automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        self._values: list[_Anchor] = []
        self._ascii_values: list[_Anchor] = []
        if self._keys.words:
            around = self._keys.around
            for text, wid in self._keys.words.items():
                kids = self._keys.anchor_of[wid]
                alone = tuple(k for k in kids if not around[k][0] and not around[k][1])
                anchored = tuple((k, *around[k]) for k in kids if k not in alone)
                self._values.append((not text.endswith(" "), alone, anchored))
            standard, dfa = ahocorasick_rs.MatchKind.Standard, ahocorasick_rs.Implementation.DFA
            self._automaton = ahocorasick_rs.AhoCorasick(
                list(self._keys.words), matchkind=standard, implementation=dfa
            )
            # The ASCII words over bytes, for ASCII texts (most, once folded): a str is searched
            # as UTF-8 with a map from each byte to its character made first, ~1 ns a character;
            # in ASCII the offsets are the same, and only ASCII words can occur.
            ascii_words = [(w, wid) for w, wid in self._keys.words.items() if w.isascii()]
            self._ascii_values = [self._values[wid] for _, wid in ascii_words]
            if ascii_words:
                self._bytes_automaton = ahocorasick_rs.BytesAhoCorasick(
                    [w.encode("ascii") for w, _ in ascii_words],
                    matchkind=standard,
                    implementation=dfa,
                )

    def _pick_triggers(self) -> None:
        popularity, occurred = self._popularity, self._occurred
        weight = len(self._queries) + 1

        def cost(groups: frozenset[int]) -> int:
            return sum(occurred[g] * weight + popularity[g] for g in groups)

        by_group: dict[int, set[int]] = {}
        for number, (watch, query) in enumerate(zip(self._watches, self._queries, strict=True)):
            triggers = self._compiler.triggers(query, cost)
            if triggers is None:  # cannot happen for a parsed query; keep every positive term
                triggers = frozenset(self._keys.single(kid) for kid, _, _ in watch.positive)
            for gid in triggers:
                by_group.setdefault(gid, set()).add(number)
        self._by_group = {gid: tuple(sorted(ws)) for gid, ws in by_group.items()}
        # key id -> the watches one of whose triggers is a group of that key
        self._by_key = [
            tuple(sorted({w for gid in groups for w in by_group.get(gid, ())}))
            for groups in self._keys.of_key
        ]

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
        scan = Scan(segments(article, self._compiler.looked_in), article)
        self._find(scan)
        return self._evaluate(scan)

    def _find(self, scan: Scan) -> None:
        """Every occurrence of every term in the article's segments."""
        found, where = scan.found, scan.where
        if self._automaton is None:
            return
        # every occurrence of every word, overlapping (`` us `` and `` japan `` share a space),
        # as (word number, start, end) in characters
        search = self._automaton.find_matches_as_indexes
        search_bytes = (
            self._bytes_automaton.find_matches_as_indexes if self._bytes_automaton else None
        )
        for number, segment in enumerate(scan.segments):
            text, cut, lead = segment.folded.text, segment.cut, segment.bit
            if text.isascii():
                if search_bytes is None:
                    continue
                matches, values = search_bytes(text.encode("ascii"), True), self._ascii_values
            else:
                matches, values = search(text, True), self._values
            if cut < 0:
                cut = len(text)  # no word starts there: every occurrence is in the lead bit
            for wid, start, end in matches:
                prefix, alone, anchored = values[wid]
                if not anchored and not prefix and len(alone) == 1:  # most: one key, one word
                    kid = alone[0]
                    bit = REST if cut <= start + 1 else lead
                    if kid in where:
                        found[kid].append((number, start + 1, end - 1, bit))
                        where[kid] |= bit
                    else:
                        found[kid] = [(number, start + 1, end - 1, bit)]
                        where[kid] = bit
                    continue
                start += 1
                end = text.index(" ", end) if prefix else end - 1
                bit = REST if cut <= start else lead
                occurrence = (number, start, end, bit)
                for kid in alone:
                    if kid in where:
                        found[kid].append(occurrence)
                        where[kid] |= bit
                    else:
                        found[kid] = [occurrence]
                        where[kid] = bit
                for kid, before, after, open_end in anchored:
                    first, stop = _extend(text, start, end, before, after, open_end)
                    if first < 0 or first < cut < stop:
                        continue
                    bit = REST if cut <= first else lead
                    if kid in where:
                        found[kid].append((number, first, stop, bit))
                        where[kid] |= bit
                    else:
                        found[kid] = [(number, first, stop, bit)]
                        where[kid] = bit

    def _evaluate(self, scan: Scan) -> list[Hit]:
        """The hits among the watches one of whose triggers occurred."""
        where = scan.where
        present, of_key = scan.present, self._keys.of_key
        for kid, bits in where.items():
            for gid in of_key[kid]:
                present[gid] = present.get(gid, 0) | bits
        if self._articles < _LEARN_UNTIL:  # how often each group occurs, for the triggers
            self._occurred.update(present.keys())
            self._articles += 1
            if self._articles in _PICK_AT:
                self._pick_triggers()
        candidates: set[int] = set()
        by_key = self._by_key
        for kid in where:
            candidates.update(by_key[kid])
        hits: list[Hit] = []
        # the groups that occurred, as bits of one integer: a watch whose required groups are
        # not all there (most candidates) is passed over with one AND, touching one object
        there = 0
        key_groups = self._key_groups
        for kid in where:
            there |= key_groups[kid]
        watches, checks, get = self._watches, self._checks, present.get
        for number in sorted(candidates):
            groups, required, excluded, test = checks[number]
            if there & groups != groups:
                continue
            fits = True
            for group, mask in required:
                if not get(group, 0) & mask:
                    fits = False
                    break
            for group, mask in excluded if fits else ():
                if get(group, 0) & mask:
                    fits = False
                    break
            if fits and (test is None or test(scan)):
                hit = self._hit(watches[number], scan)
                if hit is not None:
                    hits.append(hit)
        return hits

    def _hit(self, watch: _Watch, scan: Scan) -> Hit | None:
        where, rows_of = scan.where, scan.rows
        terms: dict[str, None] = {}
        spans: dict[tuple[int, int, int, int], Span] = {}  # (field, item, start, end) -> Span
        # the distinct occurrences, counted only when more than one is asked for
        counted: set[Occurrence] | None = set() if watch.min_mentions > 1 else None
        for kid, mask, text in watch.positive:
            bits = where.get(kid, 0)  # the bits of all its occurrences
            if bits & mask:
                terms[text] = None
                rows = rows_of.get(kid)
                if rows is None:
                    rows = rows_of[kid] = _rows(scan, kid)
                if counted is None and not bits & ~mask:  # every occurrence counts
                    spans.update(rows[0])
                    continue
                for bit, key, span, occurrence in rows[1]:
                    if bit & mask:
                        spans[key] = span
                        if counted is not None:
                            counted.add(occurrence)
        if len(spans if counted is None else counted) < watch.min_mentions:
            return None
        hit = _new(Hit)
        _set(hit, "__dict__", {
            "watch": watch.name,
            "terms": tuple(terms),
            "spans": tuple([spans[k] for k in sorted(spans)]),
        })  # fmt: skip
        return hit


def _rows(scan: Scan, kid: int) -> Rows:
    """For each occurrence of key `kid`: where it is in the original text (field order, item,
    start, end, which orders a hit's spans) with its Span; and each one's bit, that place, its
    Span and the occurrence."""
    segments = scan.segments
    pairs, rows = [], []
    last = -1
    for occurrence in scan.found[kid]:
        number, start, end, bit = occurrence
        if number != last:  # occurrences come segment by segment
            segment = segments[number]
            field, item, order, folded = (
                segment.field,
                segment.item,
                ORDER[segment.field],
                segment.folded,
            )
            exact = folded.exact
            last = number
        s, e = (start - 1, end - 1) if exact else folded.original_span(start, end)
        span = _new(Span)
        _set(span, "__dict__", {"field": field, "start": s, "end": e, "item": item})
        key = (order, item, s, e)
        pairs.append((key, span))
        rows.append((bit, key, span, occurrence))
    return pairs, rows


def _extend(
    text: str, start: int, end: int, before: tuple[str, ...], after: tuple[str, ...], prefix: bool
) -> tuple[int, int]:
    """The folded [start, end) of a phrase whose anchor word is at text[start:end], with the
    words `before` it (nearest first) and `after` it, only spaces between them; (-1, -1) when
    they are not there.  `prefix`: the last word of `after` may go on."""
    for word in before:
        at = start - 1
        while at > 0 and text[at] == " ":
            at -= 1
        start = at + 1 - len(word)
        if start < 1 or text[start - 1] != " " or not text.startswith(word, start):
            return -1, -1
    last, size = len(after) - 1, len(text)
    for number, word in enumerate(after):
        at = end
        while at < size and text[at] == " ":
            at += 1
        if not text.startswith(word, at):  # False at the end of the text too
            return -1, -1
        end = at + len(word)
        if prefix and number == last:
            end = text.index(" ", end)
        elif text[end] != " ":
            return -1, -1
    return start, end
