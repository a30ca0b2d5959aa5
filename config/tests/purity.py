"""What "one language per screen" means, for the browser tests (test_language_purity.py).

The page's own words must be in the page's language. Exempt are what people typed
(article titles and bodies, ticket text, forum posts, names: marked `data-user-content`
in the templates), what must not be translated (`translate="no"`: the brand mark, codes),
text marked with another `lang` (a language's own name in the language menu), code
samples, and brand and product names, which both languages write the same way.
"""

import re

# The visible text and the texts people read in attributes, minus the exempt parts.
VISIBLE_TEXT_JS = """() => {
  const exempt = "[data-user-content], [translate='no'], script, style, noscript, template, code, pre, kbd";
  const pageLang = document.documentElement.lang;
  const skip = (el) => !el || el.closest(exempt) || (el.closest("[lang]") || document.documentElement).lang !== pageLang
      || el.closest("[hidden]") || getComputedStyle(el).display === "none";
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text && !skip(node.parentElement)) out.push([text, node.parentElement.outerHTML.slice(0, 160)]);
  }
  for (const el of document.body.querySelectorAll("[placeholder], [aria-label], [title], img[alt], [data-label]")) {
    if (skip(el)) continue;
    for (const name of ["placeholder", "aria-label", "title", "alt", "data-label"]) {
      const value = (el.getAttribute(name) || "").trim();
      if (value) out.push([value, `${name} of ${el.outerHTML.slice(0, 120)}`]);
    }
  }
  return out;
}"""

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Brand and product names, written in Chinese in both languages.
CHINESE_NAMES = ("快响", "金蝶", "用友", "浪潮")
# Brand, product and technical names the Chinese screens write in Latin letters.
LATIN_NAMES = {
    "kuaixiang", "erp", "sap", "oracle", "kingdee", "yonyou", "inspur", "ebs", "ecc", "hana", "4hana",
    "u8", "nc", "wise", "cloud", "yonsuite", "api", "err", "pdf", "jpg", "png", "mp4", "webm", "mb",
    "kb", "gb", "id", "url", "csv", "zip", "txt", "log", "net", "framework", "windows", "linux", "excel", "bapi", "ora",
    "english", "authorization", "bearer", "p1", "p2", "p3", "p4", "kx", "sla", "csat", "utc", "gmt", "ok",
}  # fmt: skip
# Identifiers that are the same in every language: time zones, e-mail addresses, versions, codes.
TECHNICAL = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|\b[A-Z][a-z]+(?:/[A-Z][A-Za-z_-]+)+\b|\b[A-Z]+-\d+\b|\bKX-\d+\b|\bv?\d+(\.\d+)+\b|\b[A-Za-z]{1,3}\d+(\.\d+)*\b"
)
# A word of two or more letters (single letters are list markers, units, K/3's "K").
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+(?:['’-][A-Za-z]+)*")


def chinese_on_english_screen(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for text, where in texts:
        stripped = text
        for name in CHINESE_NAMES:
            stripped = stripped.replace(name, "")
        if CJK.search(stripped):
            found.append((text, where))
    return found


def english_on_chinese_screen(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    found = []
    for text, where in texts:
        words = [w for w in LATIN_WORD.findall(TECHNICAL.sub(" ", text)) if w.lower() not in LATIN_NAMES]
        if words:
            found.append((text, where))
    return found
