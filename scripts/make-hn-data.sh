#!/usr/bin/env bash
# Rebuilds data/hn/stories.csv.gz from the public 20,000-story Hacker News snapshot
# hacker_news.csv (GitHub AHoltzapple/Dataquest_Projects). Run once; its output is committed, so
# builds never need the network.
#
#   scripts/make-hn-data.sh [hacker_news.csv | hacker_news.csv.gz]
#
# Without an argument the CSV is downloaded with curl. Either way the uncompressed CSV must have
# the SHA-256 below. The output is a clean CSV (id,title,url,comments,points,author,created_at;
# created_at ISO-8601 UTC; sorted by id; LF line ends; a field is quoted only when it holds a
# comma, a quote, CR or LF), gzipped with -n so the same input always gives the same bytes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

url=https://raw.githubusercontent.com/AHoltzapple/Dataquest_Projects/master/hacker_news.csv
expected=5fe3cbdb5b9eb46d5e6e257b81cde64171de2faedb72d813ea9fe5bc7b878acb
output=data/hn/stories.csv.gz

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

source=${1:-}
if [[ -z "$source" ]]; then
    echo "downloading $url"
    curl --fail --silent --show-error --location --retry 3 --output "$work/hacker_news.csv" "$url"
    source=$work/hacker_news.csv
fi
if [[ ! -f "$source" ]]; then
    echo "error: $source: no such file" >&2
    exit 1
fi
case "$source" in
    *.gz) gzip -dc "$source" >"$work/hacker_news.csv" ;;
    "$work/hacker_news.csv") ;;
    *) cp "$source" "$work/hacker_news.csv" ;;
esac

actual=$(sha256sum "$work/hacker_news.csv" | cut -d' ' -f1)
if [[ "$actual" != "$expected" ]]; then
    echo "error: $source: SHA-256 of the CSV is $actual, expected $expected (not the known snapshot)" >&2
    exit 1
fi

python3 - "$work/hacker_news.csv" >"$work/stories.csv" <<'PYTHON'
import csv
import sys
from datetime import datetime


def repair_mojibake(text):
    """About 90 titles hold UTF-8 that was once decoded as Latin-1/cp1252 ("PokÃ©mon").

    Re-encode such text and decode it as UTF-8; characters that only cp1252 has (0x80-0x9F)
    then come back as C1 controls, which are cp1252's characters ("Â\x80" was a euro sign).
    Text that does not decode that way is kept as it is.
    """
    if all(ord(c) < 128 for c in text):
        return text
    try:
        raw = bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in text)
        fixed = raw.decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
    return "".join(bytes([ord(c)]).decode("cp1252", errors="replace") if 0x80 <= ord(c) <= 0x9F else c for c in fixed)


def quote(field):
    # RFC 4180, quoting only when needed: the same rule as the C# StoryFile writer.
    if any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


with open(sys.argv[1], encoding="utf-8", newline="") as source:
    rows = csv.reader(source)
    header = next(rows)
    if header != ["id", "title", "url", "num_points", "num_comments", "author", "created_at"]:
        sys.exit(f"error: unexpected header {header}")
    stories = []
    repaired = 0
    for line, (story_id, title, url, points, comments, author, created) in enumerate(rows, start=2):
        clean = repair_mojibake(title)
        repaired += clean != title
        # The snapshot's times have no zone ("5/28/2016 19:51"); they are taken as UTC.
        created_at = datetime.strptime(created, "%m/%d/%Y %H:%M").strftime("%Y-%m-%dT%H:%M:%SZ")
        stories.append((int(story_id), clean, url, int(comments), int(points), author, created_at))

stories.sort(key=lambda story: story[0])
out = sys.stdout
out.write("id,title,url,comments,points,author,created_at\n")
for story in stories:
    out.write(",".join(quote(str(field)) for field in story) + "\n")
print(f"{len(stories)} stories, {repaired} titles repaired from mojibake", file=sys.stderr)
PYTHON

mkdir -p "$(dirname "$output")"
gzip -n -9 -c "$work/stories.csv" >"$work/stories.csv.gz"
mv "$work/stories.csv.gz" "$output"
echo "$output: $(stat -c %s "$output") bytes, sha256 $(sha256sum "$output" | cut -d' ' -f1)"
