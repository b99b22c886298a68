/* expert-guide: substring search over the directory and the content pages, and the directory filters.
 * Data comes from directory/experts.json and search/pages.json (generator/render/search_index.py).
 * Everything is inserted with textContent: no value from data is ever parsed as HTML. */
(function () {
  "use strict";

  var root = document.querySelector(".eg-search");
  var base = (root && root.getAttribute("data-eg-base")) || ".";
  base = base.replace(/\/$/, "");
  var loading = null;

  function url(path) { return base + "/" + path; }

  function norm(text) {
    return String(text || "").normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function load() {
    if (!loading) {
      loading = Promise.all([
        fetch(url("directory/experts.json")).then(function (r) { return r.json(); }),
        fetch(url("search/pages.json")).then(function (r) { return r.json(); })
      ]).then(function (parts) {
        var d = parts[0];
        var experts = d.rows.map(function (row) {
          var cats = row[5].map(function (i) { return d.cat[i][0]; });
          var e = {
            id: row[0], name: row[1], employer: d.emp[row[2]], region: d.reg[row[3]], field: d.fld[row[4]],
            cats: cats, catIds: row[5], page: d.pg[row[6]], rank: d.rank[row[7]], degree: d.deg[row[8]]
          };
          e.url = url("experts/" + e.page + "/#" + e.id);
          e.hay = norm([e.name, e.employer, e.region, e.field, cats.join(" "), e.rank, e.degree].join(" | "));
          return e;
        });
        var pages = parts[1].map(function (s) {
          return { title: s.t, url: url(s.u), text: s.x, hay: norm(s.t + " | " + s.x) };
        });
        return { index: d, experts: experts, pages: pages };
      });
    }
    return loading;
  }

  function matches(hay, terms) {
    for (var i = 0; i < terms.length; i++) { if (hay.indexOf(terms[i]) < 0) return false; }
    return true;
  }

  function searchExperts(data, query) {
    var q = norm(query);
    if (!q) return [];
    var terms = q.split(" ");
    var hits = data.experts.filter(function (e) { return matches(e.hay, terms); });
    hits.sort(function (a, b) {
      var an = norm(a.name), bn = norm(b.name);
      var ar = an === q ? 0 : an.indexOf(q) === 0 ? 1 : 2;
      var br = bn === q ? 0 : bn.indexOf(q) === 0 ? 1 : 2;
      return ar - br;
    });
    return hits;
  }

  function searchPages(data, query) {
    var q = norm(query);
    if (!q) return [];
    var terms = q.split(" ");
    return data.pages.filter(function (p) { return matches(p.hay, terms); });
  }

  function snippet(text, query) {
    var q = norm(query).split(" ")[0];
    var at = norm(text).indexOf(q);
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

    function render(data, query) {
      list.textContent = "";
      if (!norm(query)) { meta.textContent = "输入关键词开始检索"; return; }
      var experts = searchExperts(data, query);
      var pages = searchPages(data, query);
      meta.textContent = "找到 " + experts.length + " 位专家、" + pages.length + " 处政策与服务内容";
      experts.slice(0, 20).forEach(function (e) { list.appendChild(hit("expert", e.url, e.name, expertLine(e))); });
      if (experts.length > 20) {
        var more = el("li", "eg-search__item eg-hit eg-hit--more");
        var link = el("a", "eg-search__link", "在专家名录中查看全部 " + experts.length + " 位专家");
        link.href = url("directory/?q=" + encodeURIComponent(query));
        more.appendChild(link);
        list.appendChild(more);
      }
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

    function run() {
      var query = input.value;
      meta.textContent = "正在载入检索数据…";
      load().then(function (data) { render(data, query); }, function () {
        meta.textContent = "检索数据载入失败，请刷新页面后重试";
      });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener("focus", function () {
      if (toggle && !toggle.checked) toggle.checked = true;  // opens the result panel (expert-guide.css)
      load();
    });
    if (toggle) {
      toggle.addEventListener("change", function () { if (toggle.checked) setTimeout(function () { input.focus(); }, 50); });
    }
    list.addEventListener("click", function () { if (toggle) toggle.checked = false; });
    document.addEventListener("keydown", function (ev) {
      var typing = /input|textarea|select/i.test((ev.target && ev.target.tagName) || "");
      var chord = ev.ctrlKey || ev.metaKey || ev.altKey;  // Ctrl/Cmd+S saves the page, it does not search
      if (!typing && !chord && (ev.key === "/" || ev.key === "s")) {
        ev.preventDefault();
        if (toggle) toggle.checked = true;
        input.focus();
      } else if (ev.key === "Escape" && toggle && toggle.checked) {
        toggle.checked = false;
        input.blur();
      }
    });
  }

  /* ---- the directory page: filters over the same data ---- */
  function initDirectory() {
    var box = document.getElementById("eg-directory");
    if (!box) return;
    var form = box.querySelector("form");
    var status = box.querySelector(".eg-directory__status");
    var table = box.querySelector("tbody");
    var moreButton = box.querySelector(".eg-directory__more");
    var shown = 0, current = [];
    var PAGE = 100;

    function fill(select, values) {
      values.forEach(function (v) {
        var option = el("option", null, v[1]);
        option.value = v[0];
        select.appendChild(option);
      });
    }

    function row(e) {
      var tr = el("tr", "eg-directory__row");
      tr.setAttribute("data-id", e.id);
      var name = el("td");
      var a = el("a", null, e.name);
      a.href = e.url;
      name.appendChild(a);
      tr.appendChild(name);
      [e.employer, e.rank, e.field, e.cats.join("、"), e.region].forEach(function (v) { tr.appendChild(el("td", null, v)); });
      return tr;
    }

    function showMore() {
      current.slice(shown, shown + PAGE).forEach(function (e) { table.appendChild(row(e)); });
      shown = Math.min(current.length, shown + PAGE);
      moreButton.hidden = shown >= current.length;
    }

    load().then(function (data) {
      var d = data.index;
      fill(form.elements.cat, d.cat.map(function (c, i) { return [String(i), c[0]]; }));
      fill(form.elements.emp, d.emp.map(function (v) { return [v, v]; }).sort(function (a, b) { return a[1].localeCompare(b[1], "zh"); }));
      fill(form.elements.reg, d.reg.filter(Boolean).map(function (v) { return [v, v]; }));
      fill(form.elements.fld, d.fld.filter(Boolean).map(function (v) { return [v, v]; }).sort(function (a, b) { return a[1].localeCompare(b[1], "zh"); }));
      var params = new URLSearchParams(window.location.search);
      ["q", "cat", "emp", "reg", "fld"].forEach(function (k) { if (params.get(k)) form.elements[k].value = params.get(k); });

      var last = null;
      function apply() {
        var f = form.elements;
        // `change` follows `input` when the field loses focus, e.g. on the click on a result:
        // re-rendering then would detach the very link being clicked.
        var key = [f.q.value, f.cat.value, f.emp.value, f.reg.value, f.fld.value].join("\u0000");
        if (key === last) return;
        last = key;
        var list = f.q.value ? searchExperts(data, f.q.value) : data.experts.slice();
        current = list.filter(function (e) {
          return (!f.cat.value || e.catIds.indexOf(Number(f.cat.value)) >= 0) &&
            (!f.emp.value || e.employer === f.emp.value) &&
            (!f.reg.value || e.region === f.reg.value) &&
            (!f.fld.value || e.field === f.fld.value);
        });
        table.textContent = "";
        shown = 0;
        status.textContent = "共 " + current.length + " 位专家";
        showMore();
      }
      form.addEventListener("input", apply);
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
      form.addEventListener("reset", function () { setTimeout(apply, 0); });
      moreButton.addEventListener("click", showMore);
      apply();
    }, function () { status.textContent = "名录数据载入失败，请刷新页面后重试"; });
  }

  initHeader();
  initDirectory();
})();
