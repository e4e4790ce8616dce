// The notification history as a citizen reads it: one notice sent by SMS, e-mail and in the app
// at once is one entry naming its channels, not three entries saying the same.
import type { Channel, NotificationRecord } from "../api/generated";

export interface HistoryEntry {
  id: string;
  subject: string;
  body: string;
  createdAt: string;
  channels: Channel[];
  recipients: string[];
}

export function groupHistory(records: NotificationRecord[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const r of records) {
    const second = r.created_at.slice(0, 19);
    const same = entries.find((e) => e.body === r.body && e.createdAt.slice(0, 19) === second);
    if (same) {
      if (!same.channels.includes(r.channel)) same.channels.push(r.channel);
      if (r.channel !== "push" && !same.recipients.includes(r.recipient)) same.recipients.push(r.recipient);
      same.subject ||= r.subject;
    } else {
      entries.push({
        id: r.id,
        subject: r.subject,
        body: r.body,
        createdAt: r.created_at,
        channels: [r.channel],
        recipients: r.channel === "push" ? [] : [r.recipient],
      });
    }
  }
  return entries;
}
