/* expert-guide: substring search over the directory and the content pages, and the directory filters.
 * The directory page loads directory/experts.json whole; the search box in the header loads search/index.json
 * and search/pages.json, then for each term only the shards of its rarest character and the rows of the hits
 * it shows (search/n, a, p, r: generator/render/search_index.py `search_shards`) — the same results either way.
 * Names — of experts and of the leaders in the 名单 (few: the manifest carries them whole, with their readings) —
 * are also found by pinyin (zhangwei, zhang wei, zw, zhangw), and traditional characters by their simplified
 * ones (張偉 → 张伟): the data carries the readings and the character pairs.
 * Everything is inserted with textContent: no value from data is ever parsed as HTML. */
(function () {
  "use strict";

  var root = document.querySelector(".eg-search");
  var base = (root && root.getAttribute("data-eg-base")) || ".";
  base = base.replace(/\/$/, "");
  var loading = null;
  var simplified = Object.create(null);  // traditional → simplified character, from experts.json
  var own = Object.prototype.hasOwnProperty;

  function url(path) { return base + "/" + path; }

  function norm(text) {
    return String(text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }

  /* What is compared: normalised, each traditional character as its simplified one (data and query alike). */
  function fold(text) {
    return Array.from(norm(text)).map(function (c) { return simplified[c] || c; }).join("");
  }

  function readings(d) {
    var of = Object.create(null);
    Object.keys(d.py || {}).forEach(function (syllable) {
      d.py[syllable].split(" ").forEach(function (c) { of[c] = syllable; });
    });
    return function (row) {
      if (d.pyx && own.call(d.pyx, row[0])) return d.pyx[row[0]].split(" ");
      return Array.from(String(row[1]).normalize("NFKC")).map(function (c) { return of[c]; }).filter(Boolean);
    };
  }

  function learnPairs(t2s) {
    (t2s || "").split(" ").forEach(function (pair) {
      var two = Array.from(pair);
      if (two.length === 2) simplified[two[0]] = two[1];
    });
  }

  /* A row of experts.json (or of a search/r file) as the object the pages show. */
  function expertOf(d, row) {
    var cats = row[5].map(function (i) { return d.cat[i][0]; });
    var e = {
      id: row[0], name: row[1], employer: d.emp[row[2]], region: d.reg[row[3]], field: d.fld[row[4]],
      cats: cats, catIds: row[5], page: d.pg[row[6]], rank: d.rank[row[7]], degree: d.deg[row[8]]
    };
    if (d.st) {  // the intranet's: status, 涉密, 同意公开
      e.status = row[9]; e.statusName = d.st[row[9]]; e.secret = row[10]; e.consent = row[11];
    }
    e.url = url("experts/" + e.page + "/#" + e.id);
    e.key = fold(e.name);
    e.hay = fold([e.name, e.employer, e.region, e.field, cats.join(" "), e.rank, e.degree, e.statusName].join(" | "));
    return e;
  }

  /* A leader of the 名单 ([key, name, url of the unit's table, unit and post]) as a hit of the header search. */
  function leaderOf(row, syllables) {
    var l = { id: row[0], name: row[1], url: url(row[2]), line: row[3] };
    l.key = fold(l.name);
    l.hay = fold(l.name + " | " + l.line);
    l.syllables = syllables;
    l.pinyin = l.syllables.join("");
    l.initials = l.syllables.map(function (s) { return s.charAt(0); }).join("");
    return l;
  }

  function getJSON(path) {
    return fetch(url(path)).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  }

  function load() {
    if (!loading) {
      loading = Promise.all([
        fetch(url("directory/experts.json")).then(function (r) { return r.json(); }),
        fetch(url("search/pages.json")).then(function (r) { return r.json(); })
      ]).then(function (parts) {
        var d = parts[0];
        learnPairs(d.t2s);
        var syllablesOf = readings(d);
        var experts = d.rows.map(function (row) {
          var e = expertOf(d, row);
          e.syllables = syllablesOf(row);
          e.pinyin = e.syllables.join("");
          e.initials = e.syllables.map(function (s) { return s.charAt(0); }).join("");
          return e;
        });
        var leaders = (d.ld || []).map(function (row) { return leaderOf(row, syllablesOf(row)); });
        var pages = parts[1].map(function (s) {
          return { title: s.t, url: url(s.u), text: s.x, hay: fold(s.t + " | " + s.x) };
        });
        return { index: d, experts: experts, leaders: leaders, pages: pages };
      });
    }
    return loading;
  }

  function matches(hay, terms) {
    for (var i = 0; i < terms.length; i++) { if (hay.indexOf(terms[i]) < 0) return false; }
    return true;
  }

  /* Does `term` (Latin letters) spell the syllables from the i-th on: whole syllables, initials
   * (z, zh) or the start of the last one? "zhangwei", "zw", "zhangw", "wei" all find 张伟. */
  function spells(syllables, i, term) {
    if (!term) return true;
    if (i >= syllables.length) return false;
    var said = syllables[i];
    var ways = said.indexOf("v") >= 0 ? [said, said.replace(/v/g, "u")] : [said];  // 吕: lv or lu
    for (var k = 0; k < ways.length; k++) {
      if (ways[k].indexOf(term) === 0) return true;
      if (term.indexOf(ways[k]) === 0 && spells(syllables, i + 1, term.slice(ways[k].length))) return true;
    }
    if (term.charAt(0) !== said.charAt(0)) return false;
    if (/^[zcs]h/.test(said) && term.charAt(1) === "h" && spells(syllables, i + 1, term.slice(2))) return true;
    return spells(syllables, i + 1, term.slice(1));
  }

  function sayable(e, term) {
    if (!/^[a-z]+$/.test(term)) return false;
    for (var i = 0; i < e.syllables.length; i++) { if (spells(e.syllables, i, term)) return true; }
    return false;
  }

  function expertMatches(e, terms) {
    for (var i = 0; i < terms.length; i++) {
      if (e.hay.indexOf(terms[i]) < 0 && !sayable(e, terms[i])) return false;
    }
    return true;
  }

  /* People (experts, or the leaders of the 名单) whose name, by characters or by pinyin, or other text matches. */
  function searchPeople(people, query) {
    var q = fold(query);
    if (!q) return [];
    var terms = q.split(" ");
    var spelled = q.replace(/ /g, "");
    var hits = people.filter(function (e) { return expertMatches(e, terms); });
    var ranks = hits.map(function (e) { return rankOf(e.key, e.syllables, q, spelled); });
    var order = hits.map(function (_e, i) { return i; });
    order.sort(function (a, b) { return ranks[a] - ranks[b] || a - b; });  // the directory's order within a rank
    return order.map(function (i) { return hits[i]; });
  }

  /* 0: the name, its pinyin or its initials are the query; 1: the name or its pinyin starts with it; 2: it is found elsewhere.
   * `key` (the folded name) or `syllables` may be unknown (undefined): the sharded search knows them for every row
   * whose name contains the first term or whose pinyin spells it, which are all the rows that can rank 0 or 1. */
  function rankOf(key, syllables, q, spelled) {
    var pinyin = syllables ? syllables.join("") : "";
    var initials = syllables ? syllables.map(function (s) { return s.charAt(0); }).join("") : "";
    if (key === q || (pinyin && pinyin === spelled) || (initials && initials === spelled)) return 0;
    if ((key !== undefined && key.indexOf(q) === 0) || (pinyin && /^[a-z]+$/.test(spelled) && pinyin.indexOf(spelled) === 0)) return 1;
    return 2;
  }

  /* ---- the header's search over the shards (search/index.json, then search/n, a, p and r on demand) ---- */
  var manifest = null;
  var shards = Object.create(null);

  function loadManifest() {
    if (!manifest) {
      manifest = Promise.all([getJSON("search/index.json"), getJSON("search/pages.json")]).then(function (parts) {
        var m = parts[0];
        learnPairs(m.t2s);
        // The leaders, whole (few), with their syllables as search_index.py `row_readings` reads them.
        m.leaders = (m.ld || []).map(function (row, i) { return leaderOf(row, m.ldpy[i].split(" ").filter(Boolean)); });
        m.pages = parts[1].map(function (s) {
          return { title: s.t, url: url(s.u), text: s.x, hay: fold(s.t + " | " + s.x) };
        });
        return m;
      }, function (error) { manifest = null; throw error; });
    }
    return manifest;
  }

  function shard(path) {
    if (!shards[path]) {
      shards[path] = getJSON("search/" + path).catch(function (error) { delete shards[path]; throw error; });
    }
    return shards[path];
  }

  /* Row numbers stored as the first and then the differences (search_index.py `_gaps`), each passed to `each`. */
  function eachRow(gaps, each) {
    var at = 0;
    for (var i = 0; i < gaps.length; i++) { at += gaps[i]; each(at); }
  }

  /* The character of `term` whose shard lists the fewest rows; null when one of its characters is in no shard. */
  function rarest(sizes, term) {
    var best = null;
    var chars = Array.from(term);
    for (var i = 0; i < chars.length; i++) {
      if (!own.call(sizes, chars[i])) return null;
      if (best === null || sizes[chars[i]] < sizes[best]) best = chars[i];
    }
    return best;
  }

  /* The pair of neighbouring characters of `term` (or, for one character, the character) whose shard lists the
   * fewest rows; null when one of them is in no shard: then no value contains the term. */
  function rarestPair(sizes, term) {
    var chars = Array.from(term);
    if (chars.length < 2) return rarest(sizes, term);
    var best = null;
    for (var i = 0; i + 1 < chars.length; i++) {
      var pair = chars[i] + chars[i + 1];
      if (!own.call(sizes, pair)) return null;
      if (best === null || sizes[pair] < sizes[best]) best = pair;
    }
    return best;
  }

  function hex(key) {
    return Array.from(key).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  /* The rows that contain `term` in a name or a table value, or whose name it spells: a mark per row (null: every row).
   * Names and readings seen on the way go into `known`, for ranking. */
  function termRows(m, term, known) {
    if (term === "|") return Promise.resolve(null);  // the separator between the fields: in every row
    var marks = new Uint8Array(m.rows);
    var waits = [];
    function mark(i) { marks[i] = 1; }
    var c = rarest(m.keys.n, term);
    if (c !== null) {
      waits.push(shard("n/" + hex(c) + ".json").then(function (entries) {
        entries.forEach(function (entry) {
          var key = fold(entry[0]);
          if (key.indexOf(term) >= 0) eachRow(entry[1], function (i) { marks[i] = 1; known.key[i] = key; });
        });
      }));
    }
    c = rarestPair(m.keys.a, term);
    if (c !== null) {
      waits.push(shard("a/" + hex(c) + ".json").then(function (tables) {
        Object.keys(tables).forEach(function (t) {
          tables[t].forEach(function (entry) {
            var text = t === "cat" ? m.cat[entry[0]][0] : m[t][entry[0]];
            if (fold(text).indexOf(term) >= 0) eachRow(entry[1], mark);
          });
        });
      }));
    }
    var key = term.slice(0, 2);
    if (/^[a-z]+$/.test(term) && own.call(m.keys.p, key)) {
      waits.push(shard("p/" + key + ".json").then(function (entries) {
        entries.forEach(function (entry) {
          var said = entry[0].split(" ");
          var spelt = sayable({ syllables: said }, term);
          eachRow(entry[1], function (i) { known.said[i] = said; if (spelt) marks[i] = 1; });
        });
      }));
    }
    return Promise.all(waits).then(function () { return marks; });
  }

  /* How many experts the query finds, and the first `count` of them in searchExperts' order. */
  function findExperts(m, query, count) {
    var q = fold(query);
    var terms = q.split(" ");
    var spelled = q.replace(/ /g, "");
    var known = { key: Object.create(null), said: Object.create(null) };
    return Promise.all(terms.map(function (t) { return termRows(m, t, known); })).then(function (marks) {
      var ranked = [[], [], []];
      var total = 0;
      for (var i = 0; i < m.rows; i++) {
        var hit = true;
        for (var k = 0; k < marks.length && hit; k++) hit = !marks[k] || marks[k][i] === 1;
        if (!hit) continue;
        total++;
        var r = own.call(known.key, i) || own.call(known.said, i) ? rankOf(known.key[i], known.said[i], q, spelled) : 2;
        if (ranked[r].length < count) ranked[r].push(i);
      }
      var first = ranked[0].concat(ranked[1], ranked[2]).slice(0, count);
      var chunks = [];
      first.forEach(function (i) {
        var c = Math.floor(i / m.chunk);
        if (chunks.indexOf(c) < 0) chunks.push(c);
      });
      return Promise.all(chunks.map(function (c) { return shard("r/" + c + ".json"); })).then(function (files) {
        var experts = first.map(function (i) {
          return expertOf(m, files[chunks.indexOf(Math.floor(i / m.chunk))][i % m.chunk]);
        });
        return { total: total, experts: experts };
      });
    });
  }

  function searchExperts(data, query) { return searchPeople(data.experts, query); }

  function searchPages(data, query) {
    var q = fold(query);
    if (!q) return [];
    var terms = q.split(" ");
    return data.pages.filter(function (p) { return matches(p.hay, terms); });
  }

  function snippet(text, query) {
    var q = fold(query).split(" ")[0];
    var at = fold(text).indexOf(q);
    var start = Math.max(0, at - 30);
    return (start > 0 ? "…" : "") + text.slice(start, start + 110) + (text.length > start + 110 ? "…" : "");
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function expertLine(e) {
    return [e.employer, e.rank, e.field, e.cats.join("、")].filter(Boolean).join(" · ");
  }

  /* ---- the search dialog in the header ---- */
  function initHeader() {
    if (!root) return;
    var input = root.querySelector(".eg-search__input");
    var meta = root.querySelector(".eg-search__meta");
    var list = root.querySelector(".eg-search__list");
    var toggle = document.getElementById("__search");
    var timer = null;

    function render(data, query, found) {
      list.textContent = "";
      if (!found) { meta.textContent = "输入关键词开始检索"; return; }
      var leaders = searchPeople(data.leaders, query);
      var pages = searchPages(data, query);
      meta.textContent = "找到 " + found.total + " 位专家、" + leaders.length + " 位联系领导、" + pages.length + " 处政策与服务内容";
      found.experts.forEach(function (e) { list.appendChild(hit("expert", e.url, e.name, expertLine(e))); });
      if (found.total > 20) {
        var more = el("li", "eg-search__item eg-hit eg-hit--more");
        var link = el("a", "eg-search__link", "在专家名录中查看全部 " + found.total + " 位专家");
        link.href = url("directory/?q=" + encodeURIComponent(query));
        more.appendChild(link);
        list.appendChild(more);
      }
      leaders.slice(0, 20).forEach(function (l) { list.appendChild(hit("leader", l.url, l.name, "联系领导 · " + l.line)); });
      pages.slice(0, 20).forEach(function (p) { list.appendChild(hit("page", p.url, p.title, snippet(p.text, query))); });
    }

    function hit(kind, href, title, text) {
      var li = el("li", "eg-search__item eg-hit eg-hit--" + kind);
      var a = el("a", "eg-search__link");
      a.href = href;
      var art = el("article", "eg-search__article");
      art.appendChild(el("h2", null, title));
      art.appendChild(el("p", null, text));
      a.appendChild(art);
      li.appendChild(a);
      return li;
    }

    var asked = 0;  // a slower answer to an earlier query must not replace the answer to a later one
    function run() {
      var query = input.value;
      var ticket = ++asked;
      meta.textContent = "正在载入检索数据…";
      loadManifest().then(function (m) {
        if (!norm(query)) return [m, null];
        return findExperts(m, query, 20).then(function (found) { return [m, found]; });
      }).then(function (answer) {
        if (ticket === asked) render(answer[0], query, answer[1]);
      }, function () {
        if (ticket === asked) meta.textContent = "检索数据载入失败，请刷新页面后重试";
      });
    }

    /* The dialog opens only when asked: typing or clicking in the box, the header's search button, "/" or "s".
     * Reaching the box with Tab does not open it (on a desktop the box is in the header; on a phone the closed
     * dialog is not displayed at all, expert-guide.css), and it closes when focus leaves it. */
    function open() {
      if (toggle && !toggle.checked) { toggle.checked = true; sync(); }
      loadManifest().catch(function () { /* run() says so when a query needs it */ });
    }
    function close() {
      if (toggle && toggle.checked) { toggle.checked = false; sync(); }
    }
    function sync() {
      var button = document.querySelector("label.md-header__button[for=__search]");
      if (button) button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    }
    input.addEventListener("input", function () { open(); clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("pointerdown", open);
    input.addEventListener("focus", function () {  // fetch the data early; the dialog stays as it is
      loadManifest().catch(function () { /* run() says so when a query needs it */ });
    });
    if (toggle) {
      toggle.addEventListener("change", function () {
        sync();
        if (toggle.checked) setTimeout(function () { input.focus(); }, 50);
      });
    }
    root.addEventListener("focusout", function (ev) {
      var to = ev.relatedTarget;
      if (to && !root.contains(to) && !(to.matches && to.matches("label[for=__search]"))) close();
    });
    list.addEventListener("click", close);
    // The manifest and pages.json once the page has loaded, so that the first keystroke waits only for its shards.
    function prefetch() { loadManifest().catch(function () { /* run() says so when a query needs it */ }); }
    if (document.readyState === "complete") prefetch();
    else window.addEventListener("load", prefetch);
    /* Keyboard: ↓ from the box into the results, ↑/↓ between them, Enter follows (it is a link), ↑ from the first back. */
    function links() { return Array.prototype.slice.call(list.querySelectorAll(".eg-search__link")); }
    input.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown") return;
      var all = links();
      if (all.length) { ev.preventDefault(); all[0].focus(); }
    });
    list.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (at < 0) return;
      ev.preventDefault();
      if (ev.key === "ArrowDown") all[Math.min(at + 1, all.length - 1)].focus();
      else if (at === 0) input.focus();
      else all[at - 1].focus();
    });
    document.addEventListener("keydown", function (ev) {
      var typing = /input|textarea|select/i.test((ev.target && ev.target.tagName) || "");
      var chord = ev.ctrlKey || ev.metaKey || ev.altKey;  // Ctrl/Cmd+S saves the page, it does not search
      if (!typing && !chord && (ev.key === "/" || ev.key === "s")) {
        ev.preventDefault();
        open();
        input.focus();
      } else if (ev.key === "Escape" && toggle && toggle.checked) {
        var button = document.querySelector("label.md-header__button[for=__search]");
        close();
        if (button && getComputedStyle(button).display !== "none") button.focus();  // a phone: back to the button
        else input.blur();
      }
    });
  }

  /* ---- the directory page: filters over the same data, kept in the address (?q=…&emp=…) ---- */
  function initDirectory() {
    var box = document.getElementById("eg-directory");
    if (!box) return;
    var form = box.querySelector("form");
    var status = box.querySelector(".eg-directory__status");
    var table = box.querySelector("tbody");
    var moreButton = box.querySelector(".eg-directory__more");
    var shown = 0, current = [];
    var labels = Array.prototype.map.call(box.querySelectorAll("thead th"), function (th) { return th.textContent; });
    var PAGE = 100;
    // The form's fields in the address's order; st, sec and pub exist on the intranet only.
    var fields = ["q", "cat", "emp", "reg", "fld", "st", "sec", "pub"].filter(function (k) { return form.elements[k]; });

    function fill(select, values) {
      values.forEach(function (v) {
        var option = el("option", null, v[1]);
        option.value = v[0];
        select.appendChild(option);
      });
    }

    function yes(flag) { return flag ? "是" : "否"; }

    function row(e) {
      var tr = el("tr", "eg-directory__row");
      tr.setAttribute("data-id", e.id);
      var name = el("td");
      var a = el("a", null, e.name);
      a.href = e.url;
      name.appendChild(a);
      tr.appendChild(name);
      name.setAttribute("data-label", labels[0]);
      var cells = [e.employer, e.rank, e.field, e.cats.join("、"), e.region];
      if (e.statusName !== undefined) cells.push(e.statusName, yes(e.secret), yes(e.consent));
      cells.forEach(function (v, i) {
        var td = el("td", null, v);
        td.setAttribute("data-label", labels[i + 1]);  // a phone shows each row as a card (expert-guide.css)
        tr.appendChild(td);
      });
      return tr;
    }

    function showMore() {
      var first = null;
      current.slice(shown, shown + PAGE).forEach(function (e) {
        var tr = row(e);
        first = first || tr;
        table.appendChild(tr);
      });
      shown = Math.min(current.length, shown + PAGE);
      var left = current.length - shown;
      moreButton.hidden = left <= 0;
      moreButton.textContent = "显示更多（还有 " + left + " 位）";
      return first;
    }

    function remember() {
      var params = new URLSearchParams();
      fields.forEach(function (k) {
        var value = form.elements[k].value;
        if (k === "q" ? norm(value) : value) params.set(k, value);
      });
      var query = params.toString();
      history.replaceState(history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    load().then(function (data) {
      var d = data.index;
      var f = form.elements;
      fill(f.cat, d.cat.map(function (c, i) { return [String(i), c[0]]; }));
      // Employers, regions and fields come in the site's order (姓氏笔画 or pinyin, search_index.py).
      fill(f.emp, d.emp.filter(Boolean).map(function (v) { return [v, v]; }));
      fill(f.reg, d.reg.filter(Boolean).map(function (v) { return [v, v]; }));
      fill(f.fld, d.fld.filter(Boolean).map(function (v) { return [v, v]; }));
      if (f.st) fill(f.st, d.st.map(function (v, i) { return [String(i), v]; }));
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (k) {
        if (!params.get(k)) return;
        f[k].value = params.get(k);
        if (f[k].tagName === "SELECT" && f[k].selectedIndex < 0) f[k].selectedIndex = 0;  // not an option (any more)
      });

      function wanted(select, value) { return !select || !select.value || Number(select.value) === value; }

      var last = null;
      function apply() {
        // `change` follows `input` when the field loses focus, e.g. on the click on a result:
        // re-rendering then would detach the very link being clicked.
        var key = fields.map(function (k) { return f[k].value; }).join("\u0000");
        if (key === last) return;
        last = key;
        var list = norm(f.q.value) ? searchExperts(data, f.q.value) : data.experts.slice();
        current = list.filter(function (e) {
          return (!f.cat.value || e.catIds.indexOf(Number(f.cat.value)) >= 0) &&
            (!f.emp.value || e.employer === f.emp.value) &&
            (!f.reg.value || e.region === f.reg.value) &&
            (!f.fld.value || e.field === f.fld.value) &&
            wanted(f.st, e.status) && wanted(f.sec, e.secret) && wanted(f.pub, e.consent);
        });
        table.textContent = "";
        shown = 0;
        status.textContent = "共 " + current.length + " 位专家";
        showMore();
        remember();
      }
      form.addEventListener("input", apply);
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
      form.addEventListener("reset", function () { setTimeout(apply, 0); });
      // The button may hide itself (nothing more to show): focus goes on to the first row it showed, not to <body>.
      moreButton.addEventListener("click", function () {
        var first = showMore();
        if (first) first.querySelector("a").focus();
      });
      apply();
    }, function () { status.textContent = "名录数据载入失败，请刷新页面后重试"; });
  }

  /* ---- the large-text switch (适老化): a button in the header; the choice is remembered (main.html applies it early) ---- */
  function initTextSize() {
    var header = document.querySelector(".md-header__inner");
    if (!header) return;
    var html = document.documentElement;
    var button = el("button", "eg-textsize", "大字");
    button.type = "button";
    button.title = "切换大字号";
    button.setAttribute("aria-label", "大字号");
    function show() { button.setAttribute("aria-pressed", html.classList.contains("eg-large") ? "true" : "false"); }
    button.addEventListener("click", function () {
      var large = html.classList.toggle("eg-large");
      try { localStorage.setItem("eg-large-text", large ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
      show();
    });
    show();
    var search = header.querySelector("label[for=__search]");
    header.insertBefore(button, search || null);
  }

  /* ---- Material's drawer, search and navigation panels are opened by <label for=…> of hidden checkboxes, which a
   * keyboard cannot reach. On a narrow screen (where they are toggles) they become buttons: Tab reaches them, Enter
   * or Space opens, focus moves into what opened and back to the button on Escape; a drawer or panel that focus
   * leaves closes. What is closed is not displayed (visibility, expert-guide.css), so Tab never lands on it. ---- */
  function initToggles() {
    var narrow = window.matchMedia("(max-width: 76.234375em)");
    var drawer = document.getElementById("__drawer");
    var sidebar = document.querySelector(".md-sidebar--primary");
    var labels = Array.prototype.slice.call(document.querySelectorAll(
      "label.md-header__button[for=__drawer], label.md-header__button[for=__search], " +
      ".md-nav--primary label.md-nav__link[for], .md-nav--primary .md-nav label.md-nav__title[for]:not([for=__drawer])"));
    var names = { __drawer: "导航菜单", __search: "检索" };

    function box(label) { return document.getElementById(label.htmlFor); }
    function shown(el) { return el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible"; }
    function focusables(within) {
      return Array.prototype.filter.call(within.querySelectorAll("a[href], label[tabindex='0'], button, input"), shown);
    }
    function panelOf(label) {  // the nested navigation a section's label opens, or null
      var item = label.closest(".md-nav__item");
      return item && label.classList.contains("md-nav__link") ? item.querySelector(":scope > .md-nav") : null;
    }
    function later(fn) { setTimeout(fn, 260); }  // after Material's .25s slide

    function update() {
      labels.forEach(function (label) {
        var input = box(label);
        var active = label.closest(".md-header") ? true : narrow.matches;  // the header's buttons show only when narrow
        if (!input || !active) {
          label.removeAttribute("tabindex"); label.removeAttribute("role"); label.removeAttribute("aria-expanded");
          return;
        }
        label.setAttribute("tabindex", "0");
        label.setAttribute("role", "button");
        if (names[label.htmlFor]) label.setAttribute("aria-label", names[label.htmlFor]);
        if (!label.classList.contains("md-nav__title")) label.setAttribute("aria-expanded", input.checked ? "true" : "false");
      });
    }

    labels.forEach(function (label) {
      label.addEventListener("keydown", function (ev) {
        if (label.getAttribute("tabindex") !== "0" || (ev.key !== "Enter" && ev.key !== " ")) return;
        ev.preventDefault();
        ev.stopPropagation();  // Material's keyboard handler would click the label again (and undo the toggle)
        var input = box(label);
        if (!input) return;
        input.checked = !input.checked;
        input.dispatchEvent(new Event("change", { bubbles: true }));
        update();
        if (label.htmlFor === "__drawer" && input.checked && sidebar) {
          later(function () { var all = focusables(sidebar); if (all.length) all[0].focus(); });
        } else if (panelOf(label) && input.checked) {
          later(function () { var all = focusables(panelOf(label)); if (all.length) all[0].focus(); });
        } else if (label.classList.contains("md-nav__title")) {  // back from a panel: to the section that opened it
          later(function () {
            var opener = document.querySelector(".md-nav--primary label.md-nav__link[for='" + label.htmlFor + "']");
            if (opener) opener.focus();
          });
        }
      });
    });
    document.addEventListener("change", function (ev) { if (ev.target && ev.target.classList.contains("md-toggle")) update(); });

    if (drawer && sidebar) {
      var menu = document.querySelector("label.md-header__button[for=__drawer]");
      function closeDrawer(refocus) {
        if (!drawer.checked) return;
        drawer.checked = false;
        drawer.dispatchEvent(new Event("change", { bubbles: true }));
        update();
        if (refocus && menu) menu.focus();
      }
      sidebar.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && narrow.matches) closeDrawer(true); });
      sidebar.addEventListener("focusout", function (ev) {
        var to = ev.relatedTarget;
        if (narrow.matches && to && !sidebar.contains(to) && to !== menu) closeDrawer(false);
      });
    }
    if (narrow.addEventListener) narrow.addEventListener("change", update);
    update();
  }

  initTextSize();
  initHeader();
  initDirectory();
  initToggles();
})();
