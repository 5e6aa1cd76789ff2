(function () {
  "use strict";
  /* The charts are drawn server side; this only checks that the browser laid them out:
     each chart gets data-drawn = its bars with a non-empty box, <html> gets data-ready. */
  var total = 0;
  var charts = document.querySelectorAll("svg.chart");
  for (var i = 0; i < charts.length; i++) {
    var bars = charts[i].querySelectorAll("rect.bar");
    var drawn = 0;
    for (var j = 0; j < bars.length; j++) {
      var box = bars[j].getBoundingClientRect();
      if (box.width > 0 && box.height > 0) { drawn++; }
    }
    charts[i].setAttribute("data-drawn", String(drawn));
    total += drawn;
  }
  document.documentElement.setAttribute("data-ready", String(total));
})();
