// localiam console: the policy editor's live validation and its finding tabs, and file inputs
// that fill a text area (a SAML metadata document), so forms stay url-encoded. Served as a file
// (the content security policy allows no inline script); every request carries the page's CSRF token.
"use strict";

(function () {
  // <input type="file" data-fill="ID">: the chosen file's text goes into the text area ID.
  document.querySelectorAll("input[type=file][data-fill]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.getAttribute("data-fill"));
      var file = input.files && input.files[0];
      if (!target || !file) { return; }
      file.text().then(function (text) { target.value = text; });
    });
  });
})();

(function () {
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Finding tabs: one panel visible at a time.
  function bindTabs(root) {
    root.querySelectorAll(".finding-tabs button[data-tab]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-tab");
        root.querySelectorAll(".finding-tabs button").forEach(function (b) {
          b.classList.toggle("current", b === button);
        });
        root.querySelectorAll(".finding-panel").forEach(function (p) {
          p.hidden = p.getAttribute("data-panel") !== id;
        });
      });
    });
  }

  function currentTab(root) {
    var b = root.querySelector(".finding-tabs button.current");
    return b ? b.getAttribute("data-tab") : null;
  }

  function selectTab(root, id) {
    var b = id && root.querySelector('.finding-tabs button[data-tab="' + id + '"]');
    if (b) { b.click(); }
  }

  var editor = document.getElementById("policy-document");
  var findings = document.getElementById("findings");
  var save = document.getElementById("save-policy");
  if (findings) { bindTabs(findings); }
  if (!editor || !findings) { return; }

  var timer = null;
  var sent = 0;
  function validate() {
    var mine = ++sent;
    var body = new URLSearchParams();
    body.set("_csrf", csrf());
    body.set("document", editor.value);
    fetch(editor.getAttribute("data-validate"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (r) { return r.json(); }).then(function (result) {
      if (mine !== sent) { return; }
      var tab = currentTab(findings);
      // The server renders (and escapes) the findings; this only places them.
      findings.innerHTML = result.html;
      bindTabs(findings);
      selectTab(findings, tab);
      if (save) { save.disabled = !!result.errors; }
      findings.setAttribute("data-validated", String(mine));
    }).catch(function () { /* the form still validates on submit */ });
  }

  editor.addEventListener("input", function () {
    if (save) { save.disabled = true; }
    clearTimeout(timer);
    timer = setTimeout(validate, 300);
  });
})();
