#!/usr/bin/env python3
"""CI checks on what a consumer of the GfpAnalyzers package sees: build diagnostics and SARIF logs.

Samples mark each line where the build must report a rule with an end-of-line comment:

    var page = _allocator.AllocPage(...); // GFP003 reported here: KswapdReclaim, NoFail, ThisNode

(the names after the colon must appear in the diagnostic's message). The rules the analyzers have are those the
release-tracking files list (src/Analyzers/AnalyzerReleases.*.md, enforced by RS2008); a marked rule missing from
them fails the check.

  diagnostics.py known-rules <repo>
  diagnostics.py build <repo> <sample-dir> <build-log> <severity>   exactly the marked diagnostics, at that severity
  diagnostics.py clean <build-log>                                  no GFP diagnostic at all
  diagnostics.py only <build-log> <ID>...                           GFP diagnostics of exactly these rules, no other error
  diagnostics.py sarif <repo> <sample-dir> <sarif-file> <help-base> SARIF 2.1 with the marked rule IDs and help links
"""
import json
import pathlib
import re
import sys

MARKER = re.compile(r"//\s*(GFP\d{3}) reported here(?::\s*(.*))?$")
# MSBuild's canonical diagnostic line: path(line,col): severity ID: message [project]
DIAGNOSTIC = re.compile(r"^\s*(?P<path>[^\s(][^(]*)\((?P<line>\d+),(?P<col>\d+)\): (?P<sev>error|warning|info) (?P<id>GFP\d{3}): (?P<msg>.*?)(?: \[[^\]]*\])?$")


def known_rules(repo):
    rules = set()
    for name in ("AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md"):
        path = pathlib.Path(repo, "src", "Analyzers", name)
        if path.exists():
            rules.update(re.findall(r"^(GFP\d{3})\s*\|", path.read_text(), re.M))
    return rules


def markers(repo, sample):
    """{(file name, line, id): [names]} for the rules that exist; and the marked rules that do not exist."""
    known = known_rules(repo)
    expected, pending = {}, set()
    for source in sorted(pathlib.Path(sample).rglob("*.cs")):
        if {"bin", "obj"} & set(source.parts):
            continue
        for number, text in enumerate(source.read_text().splitlines(), start=1):
            match = MARKER.search(text)
            if not match:
                continue
            rule = match.group(1)
            if rule not in known:
                pending.add(rule)
                continue
            names = [n.strip() for n in (match.group(2) or "").split(",") if n.strip()]
            expected[(source.name, number, rule)] = names
    return expected, pending


# Any other error (a compiler error in a sample, a restore failure) means the check saw the wrong build.
OTHER_ERROR = re.compile(r"\b(?:error) (?!GFP\d{3}\b)[A-Z]+\d+:")


def other_errors(log):
    return sorted({line.strip() for line in pathlib.Path(log).read_text(errors="replace").splitlines() if OTHER_ERROR.search(line)})


def reported(log):
    found = {}
    for text in pathlib.Path(log).read_text(errors="replace").splitlines():
        match = DIAGNOSTIC.match(text)
        if match:
            key = (pathlib.PurePath(match["path"]).name, int(match["line"]), match["id"])
            found[key] = (match["sev"], match["msg"], f"{key[0]}({match['line']},{match['col']}): {match['sev']} {match['id']}: {match['msg']}")
    return found


def check_build(repo, sample, log, severity):
    expected, pending = markers(repo, sample)
    found = reported(log)
    print("  diagnostics reported:")
    for key in sorted(found):
        print("    " + found[key][2])
    problems = [f"{rule} is marked but the analyzers do not have it" for rule in sorted(pending)]
    for key, names in sorted(expected.items()):
        if key not in found:
            problems.append(f"missing {key[2]} at {key[0]}:{key[1]}")
            continue
        sev, msg, _ = found[key]
        if sev != severity:
            problems.append(f"{key[2]} at {key[0]}:{key[1]} is {sev}, expected {severity}")
        for name in names:
            if name not in msg:
                problems.append(f"{key[2]} at {key[0]}:{key[1]}: message does not name {name}: {msg}")
    for key in sorted(set(found) - set(expected)):
        problems.append(f"unexpected {found[key][2]}")
    problems += [f"not a GFP diagnostic: {line}" for line in other_errors(log)]
    for problem in problems:
        print("  " + problem)
    return not problems


def check_clean(log):
    found = reported(log)
    for key in sorted(found):
        print("  unexpected " + found[key][2])
    others = other_errors(log)
    for line in others:
        print("  not a GFP diagnostic: " + line)
    return not found and not others


def check_only(log, rules):
    """The build reports each of these rules at least once, and no other GFP rule nor any other error."""
    found = reported(log)
    for key in sorted(found):
        print("    " + found[key][2])
    ids = {key[2] for key in found}
    problems = [f"no {rule} reported" for rule in sorted(set(rules) - ids)]
    problems += [f"unexpected {found[key][2]}" for key in sorted(found) if key[2] not in rules]
    problems += [f"not a GFP diagnostic: {line}" for line in other_errors(log)]
    for problem in problems:
        print("  " + problem)
    return not problems


def check_sarif(repo, sample, sarif, help_base):
    expected, _ = markers(repo, sample)
    log = json.loads(pathlib.Path(sarif).read_text())
    problems = []
    if log.get("version") != "2.1.0":
        problems.append(f"SARIF version is {log.get('version')!r}, expected '2.1.0'")
    results, help_uris = [], {}
    for run in log.get("runs", []):
        for rule in run.get("tool", {}).get("driver", {}).get("rules", []):
            help_uris[rule.get("id")] = rule.get("helpUri")
        results += [r for r in run.get("results", []) if str(r.get("ruleId", "")).startswith("GFP")]
    ids = {r["ruleId"] for r in results}
    print(f"  SARIF results: {len(results)} with GFP rule IDs {', '.join(sorted(ids)) or '(none)'}")
    for rule in sorted({key[2] for key in expected} - ids):
        problems.append(f"no SARIF result for {rule}")
    for rule in sorted(ids):
        want = f"{help_base}{rule}.md"
        if help_uris.get(rule) != want:
            problems.append(f"{rule}: helpUri is {help_uris.get(rule)!r}, expected {want!r}")
        else:
            print(f"  {rule}: helpUri {want}")
    for problem in problems:
        print("  " + problem)
    return not problems


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "known-rules" and len(argv) == 3:
        print(" ".join(sorted(known_rules(argv[2]))))
        return 0
    if command == "expected-rules" and len(argv) == 4:
        expected, _ = markers(argv[2], argv[3])
        print(" ".join(sorted({key[2] for key in expected})))
        return 0
    if command == "build" and len(argv) == 6:
        return 0 if check_build(*argv[2:]) else 1
    if command == "clean" and len(argv) == 3:
        return 0 if check_clean(argv[2]) else 1
    if command == "only" and len(argv) >= 4:
        return 0 if check_only(argv[2], argv[3:]) else 1
    if command == "sarif" and len(argv) == 6:
        return 0 if check_sarif(*argv[2:]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
