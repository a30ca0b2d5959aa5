"""Video embeds from a pasted link: which provider, which video id, and the player URL we build.

Only the id is stored. The player URL is always built here from it, so a pasted link can
never smuggle another host, path or query into the page's iframe, and the CSP's frame-src
(config/settings/base.py) lists exactly `FRAME_HOSTS`.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

BILIBILI, TENCENT, YOUTUBE = "bilibili", "tencent", "youtube"

_BVID = re.compile(r"^BV[0-9A-Za-z]{10}$")
_TENCENT_VID = re.compile(r"^[0-9a-z]{11}$")
_YOUTUBE_ID = re.compile(r"^[0-9A-Za-z_-]{11}$")

PLAYERS = {
    BILIBILI: "https://player.bilibili.com/player.html?",
    TENCENT: "https://v.qq.com/txp/iframe/player.html?",
    YOUTUBE: "https://www.youtube-nocookie.com/embed/",
}
FRAME_HOSTS = frozenset(urlsplit(url).hostname for url in PLAYERS.values())


class EmbedError(ValueError):
    """The link is not a video page of an allowed provider (message: English, for logs)."""


@dataclass(frozen=True)
class Embed:
    provider: str
    video_id: str

    @property
    def player_url(self) -> str:
        return player_url(self.provider, self.video_id)


def player_url(provider: str, video_id: str) -> str:
    if provider == BILIBILI:
        return PLAYERS[BILIBILI] + urlencode({"bvid": video_id, "autoplay": 0})
    if provider == TENCENT:
        return PLAYERS[TENCENT] + urlencode({"vid": video_id})
    if provider == YOUTUBE:
        return PLAYERS[YOUTUBE] + video_id
    raise EmbedError(f"unknown provider {provider!r}")


def _host(hostname: str) -> str:
    return hostname[4:] if hostname.startswith("www.") else hostname


def _bilibili(host: str, path: list[str], query: dict[str, list[str]]) -> str | None:
    if host in {"bilibili.com", "m.bilibili.com"} and len(path) >= 2 and path[0] == "video":
        return path[1]
    if host == "player.bilibili.com" and path == ["player.html"]:
        return (query.get("bvid") or [""])[0]
    return None


def _tencent(host: str, path: list[str], query: dict[str, list[str]]) -> str | None:
    if host not in {"v.qq.com", "m.v.qq.com"}:
        return None
    if path[:2] == ["txp", "iframe"]:
        return (query.get("vid") or [""])[0]
    if len(path) in (3, 4) and path[0] == "x" and path[1] in {"cover", "page"}:
        last = path[-1]
        return last[:-5] if last.endswith(".html") else None
    return None


def _youtube(host: str, path: list[str], query: dict[str, list[str]]) -> str | None:
    if host == "youtu.be" and len(path) == 1:
        return path[0]
    if host in {"youtube.com", "m.youtube.com", "youtube-nocookie.com"}:
        if path == ["watch"]:
            return (query.get("v") or [""])[0]
        if len(path) == 2 and path[0] in {"embed", "shorts", "live"}:
            return path[1]
    return None


_PARSERS = ((BILIBILI, _bilibili, _BVID), (TENCENT, _tencent, _TENCENT_VID), (YOUTUBE, _youtube, _YOUTUBE_ID))


def parse_embed(url: str) -> Embed:
    """The provider and video id behind a pasted video page or player link.

    Accepts https (or scheme-less) links to a Bilibili video (BV id), a Tencent Video page or
    player, or a YouTube watch/short/embed link. Anything else raises EmbedError.
    """
    text = (url or "").strip()
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        odd_authority = parts.username is not None or parts.port is not None
    except ValueError:  # a port that is not a number, a bad IPv6 literal
        raise EmbedError("not a link") from None
    if parts.scheme not in {"https", "http"} or not parts.hostname or odd_authority:
        raise EmbedError("not an https link")
    host = _host(parts.hostname.lower())
    path = [p for p in parts.path.split("/") if p]
    query = parse_qs(parts.query)
    for provider, parse, valid in _PARSERS:
        video_id = parse(host, path, query)
        if video_id is None:
            continue
        if not valid.match(video_id):
            raise EmbedError(f"{provider}: {video_id!r} is not a video id")
        return Embed(provider, video_id)
    raise EmbedError(f"{host} is not an allowed video provider")
