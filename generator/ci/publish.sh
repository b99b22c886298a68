#!/bin/sh
# 发布脚本：GitHub Actions（.github/workflows/publish.yml）与 GitLab CI（.gitlab-ci.yml）都只运行它，
# 本机也可以运行同样的步骤。由 expert-guide {version} 写出。
#
#   sh ci/publish.sh check          校验整个项目；在 GitHub 上输出注释，在 GitLab 上另写代码质量报告
#   sh ci/publish.sh build          公开版与内网版的网站和 PDF（每个都先审计再发布），写入 out/
#   sh ci/publish.sh edition 标签   同 build，版次取自标签（edition-2027 → 2027年版），网站与 PDF 加上
#                                   “本版变化”，并写出与上一个 edition-* 标签相比的变化（out/changes*.md）
#
# 构建按最后一次提交的时间（SOURCE_DATE_EPOCH 未设置时），同一提交在任何地方构建都逐字节相同。
set -eu

OUT="${OUT:-out}"
PROJECT="${PROJECT:-.}"

usage() {
    echo "用法：sh ci/publish.sh check | build | edition 标签" >&2
    exit 2
}

check() {
    if [ -n "${GITLAB_CI:-}" ]; then
        status=0
        expert-guide check "$PROJECT" --format gitlab -q > gl-code-quality-report.json || status=$?
        expert-guide check "$PROJECT" -q || true
        return "$status"
    elif [ -n "${GITHUB_ACTIONS:-}" ]; then
        expert-guide check "$PROJECT" --format github -q
    else
        expert-guide check "$PROJECT" -q
    fi
}

build() {
    edition="${1:-}"
    previous="${2:-}"
    rm -rf "$OUT"
    mkdir -p "$OUT"
    for profile in public intranet; do
        set -- --profile "$profile" --out "$OUT/$profile" -q
        if [ -n "$edition" ]; then
            set -- "$@" --edition "$edition"
        fi
        if [ -n "$previous" ]; then
            set -- "$@" --since "$previous"
        fi
        expert-guide build "$PROJECT" "$@"
    done
    cp "$OUT/public/downloads/guide.pdf" "$OUT/guide.pdf"
    cp "$OUT/intranet/downloads/guide.pdf" "$OUT/guide-intranet.pdf"
    if expert-guide xlsx --help > /dev/null 2>&1; then
        expert-guide xlsx export "$PROJECT" --profile intranet -o "$OUT/roster.xlsx"
    fi
}

previous_edition() {
    git describe --tags --abbrev=0 --match 'edition-*' "$1^" 2> /dev/null || true
}

changes() {
    tag="$1"
    previous="$2"
    if [ -z "$previous" ]; then
        echo "# 本版变化" > "$OUT/changes.md"
        echo "" >> "$OUT/changes.md"
        echo "$tag 是第一个版次标签，没有更早的 edition-* 标签可以比较。" >> "$OUT/changes.md"
        cp "$OUT/changes.md" "$OUT/changes-intranet.md"
    else
        expert-guide diff "$previous" "$tag" --profile public --format markdown > "$OUT/changes.md"
        expert-guide diff "$previous" "$tag" --profile intranet --format markdown > "$OUT/changes-intranet.md"
    fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat "$OUT/changes.md" >> "$GITHUB_STEP_SUMMARY"
    fi
}

case "${1:-}" in
    check)
        [ "$#" -eq 1 ] || usage
        check
        ;;
    build)
        [ "$#" -eq 1 ] || usage
        build
        ;;
    edition)
        [ "$#" -eq 2 ] || usage
        case "$2" in
            edition-?*) ;;
            *) echo "标签“$2”不是版次标签：版次标签形如 edition-2027" >&2; exit 2 ;;
        esac
        previous="$(previous_edition "$2")"
        build "$2" "$previous"
        changes "$2" "$previous"
        ;;
    *)
        usage
        ;;
esac
