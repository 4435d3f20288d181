#!/usr/bin/env python3
"""Copies the rules table of README.md (the repository's) into build/GfpAnalyzers.Package/README.md (the package's),
with each rule page linked absolutely: a package page and the .nupkg have no docs/rules/ folder to link into.

    build/sync-package-readme.py          rewrites the package README's table
    build/sync-package-readme.py --check  only says whether they differ (exit 1 if they do)

tests/GfpAnalyzers.Tests/Meta/ReadmeRulesTableTests.cs fails when the two tables disagree; this is the repair."""
import pathlib
import sys

HELP_BASE = "https://github.com/gfpanalyzers/gfpanalyzers/blob/main/docs/rules/"
root = pathlib.Path(__file__).resolve().parent.parent
repository_readme = root / "README.md"
package_readme = root / "build" / "GfpAnalyzers.Package" / "README.md"


def table_span(lines, name):
    """The [start, end) line range of the table right under '## Rules'."""
    heading = next((i for i, line in enumerate(lines) if line.strip() == "## Rules"), None)
    if heading is None:
        sys.exit(f"{name}: no '## Rules' section")
    start = heading + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = start
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    if end - start < 2:
        sys.exit(f"{name}: '## Rules' does not start with a table")
    return start, end


source = repository_readme.read_text(encoding="utf-8").splitlines()
start, end = table_span(source, "README.md")
table = [line.replace("](docs/rules/", "](" + HELP_BASE) for line in source[start:end]]

target = package_readme.read_text(encoding="utf-8").splitlines()
t_start, t_end = table_span(target, str(package_readme.relative_to(root)))
updated = target[:t_start] + table + target[t_end:]
if updated == target:
    print("the package README's rules table matches README.md")
    sys.exit(0)
if "--check" in sys.argv[1:]:
    print("the package README's rules table differs from README.md: run build/sync-package-readme.py")
    sys.exit(1)
package_readme.write_text("\n".join(updated) + "\n", encoding="utf-8")
print(f"rewrote the rules table of {package_readme.relative_to(root)} from README.md")
