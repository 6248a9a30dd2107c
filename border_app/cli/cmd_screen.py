"""``border-app screen --case FILE.json``: evaluate a screening case (no personal data).

Coordinators use it to test protocols before distributing them (``--protocols-dir`` to
try a folder of new protocol files). Exit codes: 0 evaluated (and, when the case has an
``expect`` block, as expected), 1 evaluated but different from ``expect``, 2 bad case file.
"""

from __future__ import annotations

import json

from ..i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "screen", help=_("evaluate a health screening case file"),
        description=_("Evaluate a screening case file (traveller, time, active protocols, answers) and print "
                      "the outcome, the rules that fired and the follow-up actions."))
    parser.add_argument("--case", required=True, metavar="FILE.json", help=_("the case file (JSON)"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.add_argument("--protocols-dir", metavar="FOLDER",
                        help=_("use the protocol files of this folder instead of the installed ones"))
    parser.set_defaults(func=run)


def run(args, ctx) -> int:
    from ..i18n import current_language
    from ..screening import Outcome, action_label, load_protocols
    from ..screening.cases import read_case, run_case

    case = read_case(args.case)
    protocols = load_protocols([args.protocols_dir] if args.protocols_dir else None)
    decision = run_case(case, protocols, file=args.case)
    problems = case.check(decision)
    active = protocols.select(case.protocols)
    lang = current_language()
    if args.json:
        out = decision.as_dict()
        out["case"] = case.name
        out["outcome_label"] = decision.status_label
        out["action_labels"] = [action_label(a, active, lang) for a in decision.actions]
        if case.expect:
            out["as_expected"] = not problems
            out["differences"] = problems
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(_("Case: {name}").format(name=case.name))
        print(_("Outcome: {outcome}").format(outcome=decision.status_label))
        print("  " + decision.status_advice)
        if not decision.complete and decision.outcome is not Outcome.CLEARED:
            print(_("The answers given already call for: {outcome}").format(outcome=decision.outcome.label))
        if decision.fired:
            print(_("Reasons:"))
            for f in decision.fired:
                print("  - [{outcome}] {reason} ({protocol} v{version}, {rule})".format(
                    outcome=f.outcome.label, reason=f.reason_text(lang), protocol=f.protocol_id,
                    version=f.protocol_version, rule=f.rule_id))
        print(_("Actions:"))
        for a in decision.actions:
            print("  - " + action_label(a, active, lang))
        print(_("Protocols: {list}").format(
            list=", ".join(f"{pid} v{v}" for pid, v in decision.protocol_versions.items())))
        if decision.missing:
            print(_("Unanswered questions: {ids}").format(ids=", ".join(decision.missing)))
        if case.expect:
            if problems:
                print(_("NOT AS EXPECTED:"))
                for p in problems:
                    print("  - " + p)
            else:
                print(_("As expected."))
    return 1 if problems else 0
