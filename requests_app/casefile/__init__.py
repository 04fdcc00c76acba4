"""The JSON case format (docs/case-format.md): validate a whole case, import it in one transaction, export it.

Higher layers add their own top-level keys with `register_section` (the disclosure app adds
"documents"); this package never imports them.
"""

from requests_app.casefile.exporter import case_dumps, case_export
from requests_app.casefile.importer import case_import, case_import_file, case_load
from requests_app.casefile.schema import FORMAT, Case, CaseFileError, case_validate
from requests_app.casefile.sections import Section, register_section, registered_sections, unregister_section

__all__ = [
    "FORMAT",
    "Case",
    "CaseFileError",
    "Section",
    "case_dumps",
    "case_export",
    "case_import",
    "case_import_file",
    "case_load",
    "case_validate",
    "register_section",
    "registered_sections",
    "unregister_section",
]
