// Reads {"start": ms, "end": ms, "calendars": [ics text, ...]} on stdin and writes, for each
// calendar, the [start, end] (ms since the epoch, UTC) of every meeting starting in the window,
// as ical.js expands it: the VTIMEZONEs of the file are the only zone data it has.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const start = ICAL.Time.fromJSDate(new Date(request.start), true);
const end = ICAL.Time.fromJSDate(new Date(request.end), true);

function occurrences(text) {
  ICAL.TimezoneService.reset();
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const events = calendar.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  const found = [];
  for (const master of events.filter((e) => !e.isRecurrenceException())) {
    for (const exception of events.filter((e) => e.isRecurrenceException())) {
      if (exception.uid === master.uid) master.relateException(exception);
    }
    const iterator = master.iterator();
    for (let next = iterator.next(); next; next = iterator.next()) {
      const details = master.getOccurrenceDetails(next);
      if (details.startDate.compare(end) >= 0 && next.compare(end) >= 0) break;
      if (details.startDate.compare(start) < 0 || details.startDate.compare(end) >= 0) continue;
      found.push([details.startDate.toUnixTime() * 1000, details.endDate.toUnixTime() * 1000]);
    }
  }
  return found;
}

process.stdout.write(JSON.stringify(request.calendars.map(occurrences)));
