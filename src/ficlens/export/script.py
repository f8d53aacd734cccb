"""The dialogue of an analysed work as a readable script: `SPEAKER → ADDRESSEE: text`.
A later paragraph of a speech continued over paragraphs reads `SPEAKER (cont.): text`."""

from __future__ import annotations


def render_script(doc: dict, show_kind: bool = False) -> str:
    names = {c["id"]: c["name"] for c in doc.get("characters", [])}
    titles = {c["index"]: c["title"] for c in doc["chapters"]}
    lines: list[str] = []
    chapter = None
    for q in doc.get("quotes", []):
        if q["chapter"] != chapter:
            chapter = q["chapter"]
            title = titles.get(chapter)
            if lines:
                lines.append("")
            lines.append(f"== Chapter {chapter}" + (f": {title}" if title else "") + " ==")
        speaker = names.get(q["speaker"], "?") if q["speaker"] else "?"
        to = ", ".join(names.get(a, a) for a in q["addressees"])
        who = f"{speaker} → {to}" if to else speaker
        if q.get("continues"):
            who += " (cont.)"  # the next paragraph of the same speech
        text = " … ".join(" ".join(doc["chapters"][q["chapter"] - 1]["text"][s:e].split()) for s, e in q["spans"])
        extra = f"  [{q['kind']}, {q['confidence']:.2f}]" if show_kind else ""
        lines.append(f"{who}: {text}{extra}")
    return "\n".join(lines) + ("\n" if lines else "")
