"""The registry back as curated YAML: one `data/agreements`-style file per agreement.

Loading the output with `pactwatch validate`/`load` gives back the same records. Values
YAML 1.1 would misread are quoted by the dumper (Norway's code "NO" would read as false,
a bare 2024-07-11 as a date), so the files survive any YAML reader.
"""

from __future__ import annotations

from pactwatch.curate.yamlio import dump_yaml
from pactwatch.export.base import register
from pactwatch.model import Agreement

HEADER = "# Exported from the Pactwatch registry; edit the curated files in data/agreements.\n"


def agreement_yaml(agreement: Agreement) -> str:
    return HEADER + dump_yaml(agreement.model_dump(mode="json"))


class YamlExporter:
    """One document for one agreement; a multi-document stream, or one file each, for many."""

    media_type = "application/yaml"
    extension = "yaml"
    binary = False

    def __init__(self, *, single: bool = False) -> None:
        self._single = single
        self._agreements: list[Agreement] = []

    def write(self, agreement: Agreement) -> None:
        self._agreements.append(agreement)

    def finalize(self) -> bytes:
        docs = [agreement_yaml(a) for a in self._agreements]
        return "---\n".join(docs).encode("utf-8")

    def finalize_files(self) -> dict[str, bytes]:
        return {f"{a.id}.yaml": agreement_yaml(a).encode("utf-8") for a in self._agreements}


register("yaml", YamlExporter)
