// storyline: small enhancements; every page works without them.
"use strict";

function filterSpeakers(key) {
  document.querySelectorAll(".speaker-group").forEach(function (group) {
    group.hidden = Boolean(key) && group.dataset.speaker !== key;
  });
  var url = new URL(window.location.href);
  if (key) { url.searchParams.set("speaker", key); } else { url.searchParams.delete("speaker"); }
  window.history.replaceState(null, "", url.toString());
}

function toggleUnique(button) {
  var rows = document.querySelectorAll("tr.unique-rows");
  var show = button.textContent === "show";
  rows.forEach(function (row) { row.hidden = !show; });
  button.textContent = show ? "hide" : "show";
}

function pollJob(box) {
  var id = box.dataset.job;
  fetch("/jobs/" + encodeURIComponent(id) + ".json", {headers: {"Accept": "application/json"}})
    .then(function (response) { return response.json(); })
    .then(function (job) {
      document.getElementById("job-state").textContent = job.state;
      document.getElementById("job-stage").textContent =
        job.stage_text + (job.total ? " (" + job.done + " of " + job.total + ")" : "");
      var bar = document.getElementById("job-progress");
      bar.max = job.total || 1;
      bar.value = job.total ? job.done : 0;
      if (job.state === "done" || job.state === "failed") {
        window.location.reload();
      } else {
        window.setTimeout(function () { pollJob(box); }, 500);
      }
    })
    .catch(function () { window.setTimeout(function () { pollJob(box); }, 2000); });
}

document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("speaker-filter");
  if (select) {
    select.addEventListener("change", function () { filterSpeakers(select.value); });
    if (select.value) { filterSpeakers(select.value); }
  }
  document.querySelectorAll("tr.unique-rows").forEach(function (row) { row.hidden = true; });
  document.querySelectorAll("button.toggle-unique").forEach(function (button) {
    button.addEventListener("click", function () { toggleUnique(button); });
  });
  var job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    pollJob(job);
  }
  var hl = document.getElementById("hl");
  if (hl && hl.getBoundingClientRect().bottom > window.innerHeight) {
    hl.scrollIntoView({block: "center"});
  }
});
