"""A sentence as the store keeps it: what was said, as JSON (`Said.dumps`), and its English
words (`str(said)`), both written whenever either is.

A listing of an organisation's proposals reads ten thousand explanations of some fifteen
nested sentences each; decoding them is most of its time. A reader of English reads the
words the store already holds (`Wording.word_stored`), and only other readers decode.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.model.said import Said


@dataclass(frozen=True)
class StoredSaid:
    json: str
    """`Said.dumps()`; empty where an older version kept only the words."""
    english: str

    @classmethod
    def of(cls, said: Said) -> StoredSaid:
        return cls(said.dumps(), str(said))

    def said(self) -> Said:
        return Said.loads(self.json, self.english)

    def may_name_a_holiday(self) -> bool:
        """Whether a holiday is named in it (sync.model.said.Holiday, whose JSON alone has
        the key "holiday"); any text that merely looks like one only answers yes."""
        return '"holiday"' in self.json
