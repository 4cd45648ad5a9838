// The page of a background job (edmonitor/core/background.py, template core/background_job.html):
// asks the job's status URL how far it is, once a second, and shows it; when the job is finished
// it fetches the page again and puts its heading and result in place. Without JavaScript the
// page's "Refresh" link does the same by hand.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-job-status]");
  if (!box) return;
  var url = box.getAttribute("data-job-status");
  var text = document.getElementById("job-text");
  var bar = document.getElementById("job-bar");
  var region = document.getElementById("job-region");
  var heading = document.getElementById("job-heading");
  var POLL_MS = 1000;
  var ANNOUNCE_MS = 5000; // the live region is read aloud: a new step at once, the count now and then
  var shownStep = null;
  var shownAt = 0;
  var failures = 0;

  function show(status) {
    if (status.total === null) {
      bar.removeAttribute("value");
    } else {
      bar.max = Math.max(status.total, 1);
      bar.value = status.done;
    }
    var now = Date.now();
    if (status.step !== shownStep || now - shownAt >= ANNOUNCE_MS) {
      text.textContent = status.text;
      shownStep = status.step;
      shownAt = now;
    }
  }

  function showResult() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var newRegion = page.getElementById("job-region");
        var newHeading = page.getElementById("job-heading");
        if (!newRegion || !newHeading) throw new Error("no result on the page");
        heading.textContent = newHeading.textContent;
        document.title = page.title;
        region.innerHTML = newRegion.innerHTML; // inside the live region: read aloud
      })
      .catch(function () {
        window.location.reload();
      });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (status.finished) {
          showResult();
        } else {
          show(status);
          window.setTimeout(poll, POLL_MS);
        }
      })
      .catch(function () {
        // the server restarting, or the network: try again a little later, then leave it to Refresh
        failures += 1;
        if (failures < 10) window.setTimeout(poll, POLL_MS * 5);
      });
  }

  window.setTimeout(poll, POLL_MS);
});
