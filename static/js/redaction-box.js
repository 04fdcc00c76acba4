/*
 * Drawing a redaction box by dragging on the page image.
 * Progressive enhancement only: without JavaScript the page image is an image button (two clicks give two
 * corners) and the rectangle's position can be typed. With it, pressing on the image and dragging draws the
 * box, and letting go fills the "Redact an area" form (in PDF points from the page's top left, the frame the
 * server redacts in) and moves to it: nothing is redacted until the caseworker chooses the exemption and
 * presses "Redact the area". A press without a drag is left to the image button.
 */
(function () {
  "use strict";

  var image = document.querySelector("[data-redaction-drag]");
  var form = document.getElementById("rect-form");
  if (!image || !form) {
    return;
  }
  var pointsPerPixel = parseFloat(image.getAttribute("data-points-per-pixel"));
  if (!(pointsPerPixel > 0)) {
    return;
  }
  var field = function (name) {
    return form.querySelector('[name="rect-' + name + '"]');
  };
  var frame = document.createElement("span");
  frame.className = "app-drag-frame";
  image.parentNode.insertBefore(frame, image);
  frame.appendChild(image);
  var box = document.createElement("div");
  box.className = "app-drag-box";
  box.setAttribute("aria-hidden", "true");
  box.hidden = true;
  frame.appendChild(box);

  var start = null;
  var moved = false;
  var MIN_DRAG = 4; // pixels: less than this is a click, left to the image button

  function at(event) {
    var rect = image.getBoundingClientRect();
    var scaleX = image.width / rect.width || 1;
    var scaleY = image.height / rect.height || 1;
    return {
      x: Math.min(Math.max(event.clientX - rect.left, 0), rect.width) * scaleX,
      y: Math.min(Math.max(event.clientY - rect.top, 0), rect.height) * scaleY,
      left: image.offsetLeft,
      top: image.offsetTop,
      shownX: rect.width / image.width || 1,
      shownY: rect.height / image.height || 1
    };
  }

  function draw(a, b) {
    box.hidden = false;
    box.style.left = a.left + Math.min(a.x, b.x) * a.shownX + "px";
    box.style.top = a.top + Math.min(a.y, b.y) * a.shownY + "px";
    box.style.width = Math.abs(b.x - a.x) * a.shownX + "px";
    box.style.height = Math.abs(b.y - a.y) * a.shownY + "px";
  }

  function points(pixels) {
    return (Math.round(pixels * pointsPerPixel * 10) / 10).toString();
  }

  image.addEventListener("pointerdown", function (event) {
    if (event.button !== 0) {
      return;
    }
    start = at(event);
    moved = false;
    image.setPointerCapture(event.pointerId);
    event.preventDefault();
  });

  image.addEventListener("pointermove", function (event) {
    if (!start) {
      return;
    }
    var now = at(event);
    if (Math.abs(now.x - start.x) >= MIN_DRAG || Math.abs(now.y - start.y) >= MIN_DRAG) {
      moved = true;
    }
    if (moved) {
      draw(start, now);
    }
  });

  image.addEventListener("pointerup", function (event) {
    if (!start) {
      return;
    }
    var end = at(event);
    var from = start;
    start = null;
    if (!moved) {
      return; // a click: the image button marks a corner as it does without JavaScript
    }
    draw(from, end);
    field("x0").value = points(Math.min(from.x, end.x));
    field("top").value = points(Math.min(from.y, end.y));
    field("x1").value = points(Math.max(from.x, end.x));
    field("bottom").value = points(Math.max(from.y, end.y));
    var exemption = field("exemption");
    (exemption || field("x0")).focus();
    form.scrollIntoView({ block: "center" });
  });

  // A drag ends in a click on the image button: only a plain click (no drag) marks a corner.
  image.addEventListener("click", function (event) {
    if (moved) {
      event.preventDefault();
      moved = false;
    }
  });
})();
