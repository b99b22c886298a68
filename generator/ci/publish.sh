#!/bin/sh
# 发布脚本：GitHub Actions（.github/workflows/publish.yml）与 GitLab CI（.gitlab-ci.yml）都只运行它，
# 本机也可以运行同样的步骤。由 expert-guide {version} 写出。
#
#   sh ci/publish.sh install        安装 ci/requirements.txt 中的 expert-guide；设置了 EXPERT_GUIDE_INDEX_URL
#                                   （本单位的软件源）时只从那里安装
#   sh ci/publish.sh check          校验整个项目；在 GitHub 上输出注释，在 GitLab 上另写代码质量报告
#   sh ci/publish.sh build          公开版与内网版的网站和 PDF（每个都先审计再发布），写入 out/
#   sh ci/publish.sh edition 标签   同 build，版次取自标签（edition-2027 → 2027年版），网站与 PDF 加上
#                                   “本版变化”，并写出与上一个 edition-* 标签相比的变化（out/changes*.md）；
#                                   标签必须指向当前检出的提交，历史必须完整（不是浅克隆）。
#                                   PREVIOUS=标签 指定比较的上一版，PREVIOUS=none 不做比较（上一版的数据无法读取时）
#
# 构建按最后一次提交的时间（SOURCE_DATE_EPOCH 未设置时），同一提交在任何地方构建都逐字节相同。
set -eu

OUT="${OUT:-out}"
PROJECT="${PROJECT:-.}"

usage() {
    echo "用法：sh ci/publish.sh install | check | build | edition 标签" >&2
    exit 2
}

fail() {
    echo "$1" >&2
    exit 1
}

install() {
    if [ -n "${EXPERT_GUIDE_INDEX_URL:-}" ]; then
        python -m pip install --index-url "$EXPERT_GUIDE_INDEX_URL" -r ci/requirements.txt
    else
        python -m pip install -r ci/requirements.txt
    fi
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
    # both profiles from one reading of the data, published together once both have passed the audit
    set -- --profile all --out "$OUT" -q
    if [ -n "$edition" ]; then
        set -- "$@" --edition "$edition"
    fi
    if [ -n "$previous" ]; then
        set -- "$@" --since "$previous"
    fi
    expert-guide build "$PROJECT" "$@"
    cp "$OUT/public/downloads/guide.pdf" "$OUT/guide.pdf"
    cp "$OUT/intranet/downloads/guide.pdf" "$OUT/guide-intranet.pdf"
    if expert-guide xlsx --help > /dev/null 2>&1; then
        expert-guide xlsx export "$PROJECT" --profile intranet -o "$OUT/roster.xlsx"
    fi
}

previous_edition() {
    tag="$1"
    if [ -n "${PREVIOUS:-}" ]; then
        if [ "$PREVIOUS" = none ]; then
            return 0
        fi
        git show-ref --verify -q "refs/tags/$PREVIOUS" ||
            fail "PREVIOUS=“$PREVIOUS”不是已有的标签"
        git merge-base --is-ancestor "refs/tags/$PREVIOUS" "refs/tags/$tag" ||
            fail "PREVIOUS=“$PREVIOUS”不在“$tag”之前：上一版须是这一版的历史中更早的标签"
        echo "$PREVIOUS"
        return 0
    fi
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
        fail "这是浅克隆（只有最近的提交），找不到更早的版次标签：GitHub 的 checkout 写 fetch-depth: 0，GitLab 设置 GIT_DEPTH: \"0\""
    fi
    if found="$(git describe --tags --abbrev=0 --match 'edition-*' "$tag^" 2> "$OUT/.describe")"; then
        echo "$found"
    elif grep -q -e 'No names found' -e 'No tags can describe' -e 'cannot describe' "$OUT/.describe"; then
        :  # no earlier edition tag: the first edition
    elif ! git rev-parse -q --verify "$tag^^{commit}" > /dev/null; then
        :  # the tag is on the first commit: nothing before it
    else
        cat "$OUT/.describe" >&2
        fail "无法确定“$tag”之前的版次标签"
    fi
    rm -f "$OUT/.describe"
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
        # diff reads the revisions at the place the project has in the repository: run it from there
        (cd "$PROJECT" && expert-guide diff "$previous" "$tag" --profile public --format markdown) > "$OUT/changes.md"
        (cd "$PROJECT" && expert-guide diff "$previous" "$tag" --profile intranet --format markdown) > "$OUT/changes-intranet.md"
    fi
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        cat "$OUT/changes.md" >> "$GITHUB_STEP_SUMMARY"
    fi
}

case "${1:-}" in
    install)
        [ "$#" -eq 1 ] || usage
        install
        ;;
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
        git rev-parse -q --verify "refs/tags/$2^{commit}" > /dev/null || fail "没有标签“$2”"
        [ "$(git rev-parse "refs/tags/$2^{commit}")" = "$(git rev-parse "HEAD^{commit}")" ] ||
            fail "标签“$2”指向的提交不是当前检出的提交：先检出这个标签（git checkout $2）再构建"
        mkdir -p "$OUT"
        previous="$(previous_edition "$2")"
        build "$2" "$previous"
        changes "$2" "$previous"
        ;;
    *)
        usage
        ;;
esac
