// hamscore: autosave state, retries and keeping unsent answers in this browser.
// Hand-written, no build step. htmx does the requests; this file only watches them.
(function () {
  "use strict";

  var PREFIX = "hamscore:pending:";
  var body = document.body;
  var retryDelays = [1000, 2000, 5000, 10000, 30000];

  function msg(name) { return body.getAttribute("data-msg-" + name) || name; }

  function statusOf(form) {
    var key = form.getAttribute("data-autosave");
    var qid = key.split(":")[1];
    return document.getElementById("status-" + qid);
  }

  function setStatus(form, text, kind) {
    var el = statusOf(form);
    if (!el) { return; }
    el.textContent = "";
    var span = document.createElement("span");
    span.className = "status-" + kind;
    span.textContent = text;
    el.appendChild(span);
  }

  // The form's fields as pairs (without the CSRF token, which belongs to the session that sends it).
  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token") { pairs.push([name, String(value)]); }
    });
    return pairs;
  }

  function remember(form) {
    try {
      localStorage.setItem(PREFIX + form.getAttribute("data-autosave"), JSON.stringify(fields(form)));
    } catch (e) { /* storage full or disabled: the status still shows "not saved" */ }
  }

  function forget(form) {
    try { localStorage.removeItem(PREFIX + form.getAttribute("data-autosave")); } catch (e) { /* ignore */ }
  }

  // Put remembered values back into a form (after a reload or a new login) and send them again.
  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(PREFIX + form.getAttribute("data-autosave")); } catch (e) { return; }
    if (!raw) { return; }
    var pairs = JSON.parse(raw);
    var values = {};
    pairs.forEach(function (p) { (values[p[0]] = values[p[0]] || []).push(p[1]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token") { return; }
      var wanted = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = wanted.indexOf(el.value) !== -1;
      } else {
        // The version is the one the unsent answer was based on, so a colleague's newer answer shows as a
        // conflict instead of being overwritten.
        el.value = wanted.length ? wanted[0] : "";
      }
    });
    setStatus(form, msg("unsaved"), "pending");
    htmx.trigger(form, "hamscore:retry");
  }

  function isAutosave(elt) { return elt && elt.hasAttribute && elt.hasAttribute("data-autosave"); }

  document.addEventListener("input", function (evt) {
    var form = evt.target.form;
    if (isAutosave(form)) { remember(form); setStatus(form, msg("unsaved"), "pending"); }
  });

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var form = evt.detail.elt;
    if (!isAutosave(form)) { return; }
    remember(form);
    setStatus(form, msg("saving"), "pending");
  });

  document.addEventListener("htmx:afterRequest", function (evt) {
    var form = evt.detail.elt;
    if (!isAutosave(form)) { return; }
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      form.removeAttribute("data-attempt");
      forget(form);
    } else if (status === 409 || status === 422) {
      // The server explained (conflict, invalid value); nothing to resend on our own.
      forget(form);
    } else if (status === 401 || status === 403) {
      // Session expired (or the page is too old to be trusted): the server's message is in the banner;
      // the value stays in localStorage and is sent again after the next login or reload.
      setStatus(form, msg("unsaved"), "error");
    } else {
      var attempt = parseInt(form.getAttribute("data-attempt") || "0", 10);
      var delay = retryDelays[Math.min(attempt, retryDelays.length - 1)];
      form.setAttribute("data-attempt", String(attempt + 1));
      setStatus(form, status === 0 ? msg("offline") : msg("retrying"), "error");
      window.setTimeout(function () { htmx.trigger(form, "hamscore:retry"); }, delay);
    }
  });

  // Refuse too-large files before sending them; the server checks again.
  document.addEventListener("htmx:confirm", function (evt) {
    var form = evt.detail.elt;
    if (!form || !form.querySelector) { return; }
    var input = form.querySelector("input[type=file][data-max-bytes]");
    if (!input || !input.files || !input.files.length) { return; }
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (input.files[0].size > limit) {
      evt.preventDefault();
      var note = form.querySelector(".client-error") || document.createElement("p");
      note.className = "error client-error";
      note.setAttribute("role", "alert");
      note.textContent = msg("too-large");
      form.appendChild(note);
    }
  });

  window.addEventListener("beforeunload", function (evt) {
    var pending = document.querySelector(".status-pending, .status-error");
    if (pending) { evt.preventDefault(); evt.returnValue = ""; }
  });

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-autosave]"), restore);
    Array.prototype.forEach.call(root.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }

  // A choice list that htmx refreshes (the regencies of a province) keeps what the person chose
  // while the request was under way, when that choice is still offered: a late answer must never
  // undo a selection.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    if (target && target.tagName === "SELECT") { target.setAttribute("data-keep", target.value); }
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var target = evt.detail.target;
    if (!target || target.tagName !== "SELECT" || !target.hasAttribute("data-keep")) { return; }
    var keep = target.getAttribute("data-keep");
    target.removeAttribute("data-keep");
    var offered = Array.prototype.some.call(target.options, function (o) { return o.value === keep; });
    if (keep && offered) { target.value = keep; }
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (evt) {
    if (evt.detail.elt && evt.detail.elt.id === "workspace") { init(evt.detail.elt); }
  });
})();
