import { flushPromises, mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, deferred, fakeApi, json } from '@/__tests__/fake-api';
import { buttonNamed } from '@/__tests__/dom';
import { configureApi } from '@/api/http';
import type { ReportSummary } from '@/api/types';
import { setLocale } from '@/i18n';
import ReportsView from '../ReportsView.vue';

beforeEach(() => {
  setLocale('en');
  configureApi({ onUnauthorized: () => {} });
});

const summary = (date: string, count: number): ReportSummary => ({
  date,
  timeZone: 'Asia/Tokyo',
  count,
  users: 2,
  perUser: [
    { userId: 'u-alice', name: 'Alice', count: count - 1 },
    { userId: 'u-bob', name: 'Bob', count: 1 },
  ],
  generatedAt: '2026-11-21T16:00:05Z',
  partial: false,
});

describe('ReportsView', () => {
  it('lists the reports in a table with a chart, and pages with the cursor, focus on the first new day', async () => {
    const { requests } = fakeApi((request) =>
      new URL(request.url).searchParams.get('cursor') === 'c2'
        ? json(200, { items: [summary('2026-11-19', 2)], nextCursor: null })
        : json(200, {
            items: [summary('2026-11-21', 4), summary('2026-11-20', 3)],
            nextCursor: 'c2',
          }),
    );
    const wrapper = mount(ReportsView, { attachTo: document.body });
    expect(wrapper.find('[role="status"]').text()).toBe('Loading reports…');
    await flushPromises();

    const rows = wrapper
      .findAll('tbody tr')
      .map((row) => row.findAll('th, td').map((cell) => cell.text()));
    expect(rows[0]!.slice(0, 4)).toEqual(['Nov 21, 2026', '4', 'Alice (3), Bob (1)', 'Asia/Tokyo']);
    expect(wrapper.findAll('rect')).toHaveLength(2);
    expect(new URL(requests[0]!.url).searchParams.get('limit')).toBe('30');

    await buttonNamed(wrapper, 'Load older reports').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('tbody tr')).toHaveLength(3);
    expect(wrapper.findAll('rect')).toHaveLength(3);
    // The pressed button is gone: the keyboard goes on from the first day the page brought.
    expect(document.activeElement?.textContent).toContain('Nov 19, 2026');
    expect(document.activeElement?.closest('tr')?.dataset.reportDate).toBe('2026-11-19');
    wrapper.unmount();
  });

  it('lists who completed how many as the language lists things', async () => {
    fakeApi(() => json(200, { items: [summary('2026-11-21', 1201)], nextCursor: null }));
    const wrapper = mount(ReportsView);
    await flushPromises();
    const cell = () => wrapper.findAll('tbody td')[1]!.text();
    expect(cell()).toBe('Alice (1,200), Bob (1)');
    setLocale('ja');
    await flushPromises();
    expect(cell()).toBe('Alice（1,200）、Bob（1）');
  });

  it('a day of more people than the report names: the rest are counted together', async () => {
    // Alice and Bob are named, with 1,001 of the day's 1,500 tasks; the others did 499.
    const busy = (date: string, users: number): ReportSummary => ({
      ...summary(date, 1500),
      users,
      perUser: [
        { userId: 'u-alice', name: 'Alice', count: 1000 },
        { userId: 'u-bob', name: 'Bob', count: 1 },
      ],
    });
    fakeApi(() =>
      json(200, { items: [busy('2026-11-21', 3), busy('2026-11-20', 2347)], nextCursor: null }),
    );
    const wrapper = mount(ReportsView);
    await flushPromises();
    const cells = () => wrapper.findAll('tbody tr').map((row) => row.findAll('td')[1]!.text());
    expect(cells()).toEqual([
      'Alice (1,000), Bob (1), 1 other (499)',
      'Alice (1,000), Bob (1), 2,345 others (499)',
    ]);
    setLocale('ja');
    await flushPromises();
    expect(cells()[1]).toBe('Alice（1,000）、Bob（1）、ほか 2,345 人（499）');
  });

  it('marks a partial report in its row and explains it once; complete reports are unmarked', async () => {
    fakeApi(() =>
      json(200, {
        items: [{ ...summary('2026-11-21', 2), partial: true }, summary('2026-11-20', 3)],
        nextCursor: null,
      }),
    );
    const wrapper = mount(ReportsView);
    await flushPromises();
    const rowHeaders = wrapper.findAll('tbody th').map((cell) => cell.text());
    expect(rowHeaders).toEqual(['Nov 21, 2026 partial', 'Nov 20, 2026']);
    expect(wrapper.text()).toContain('Partial: made before the day was over');

    setLocale('ja');
    await flushPromises();
    expect(wrapper.find('tbody th').text()).toContain('途中集計');
  });

  it('says nothing of partial reports when there are none', async () => {
    fakeApi(() => json(200, { items: [summary('2026-11-20', 3)], nextCursor: null }));
    const wrapper = mount(ReportsView);
    await flushPromises();
    expect(wrapper.text()).not.toContain('partial');
    expect(wrapper.text()).not.toContain('Partial');
  });

  it('downloads a day as CSV through the API', async () => {
    const csv = 'taskId,userId,title,completedAt\r\nt1,alice,"Say ""hi""",2026-11-21T01:00:00Z\r\n';
    const { requests } = fakeApi((request) =>
      request.headers.get('Accept') === 'text/csv'
        ? new Response(csv, { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
        : json(200, { items: [summary('2026-11-21', 4)], nextCursor: null }),
    );
    // Spies, not assignments: restoreMocks puts URL's own methods back after each test.
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:report');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this);
    });

    const wrapper = mount(ReportsView);
    await flushPromises();
    await buttonNamed(wrapper, 'Download CSV of Nov 21, 2026').trigger('click');
    await flushPromises();

    expect(new URL(requests[1]!.url).pathname).toBe('/api/reports/2026-11-21');
    expect(await (createObjectURL.mock.calls[0]![0] as Blob).text()).toBe(csv);
    expect(clicked[0]!.download).toBe('tasks-completed-2026-11-21.csv');
    expect(clicked[0]!.href).toBe('blob:report');
  });

  it('a second click while a day downloads fetches it once', async () => {
    const csv = deferred<Response>();
    const { requests } = fakeApi((request) =>
      request.headers.get('Accept') === 'text/csv'
        ? csv.promise
        : json(200, { items: [summary('2026-11-21', 4)], nextCursor: null }),
    );
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:report');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const wrapper = mount(ReportsView);
    await flushPromises();
    const button = buttonNamed(wrapper, 'Download CSV of Nov 21, 2026');
    await button.trigger('click');
    await button.trigger('click');
    csv.resolve(new Response('taskId,userId,title,completedAt\r\n'));
    await flushPromises();
    expect(requests.filter((request) => request.headers.get('Accept') === 'text/csv')).toHaveLength(
      1,
    );
  });

  it('a list that could not be read offers Try again; afterwards the keyboard is at the heading', async () => {
    let calls = 0;
    fakeApi(() =>
      ++calls === 1
        ? apiError(503, 'unavailable')
        : json(200, { items: [summary('2026-11-21', 2)], nextCursor: null }),
    );
    const wrapper = mount(ReportsView, { attachTo: document.body });
    await flushPromises();
    const retry = buttonNamed(wrapper, 'Try again');
    retry.element.focus();
    await retry.trigger('click');
    await flushPromises();
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);
    expect(document.activeElement).toBe(wrapper.find('h1').element);
    wrapper.unmount();
  });

  it('tells non-admins that reports are for administrators', async () => {
    fakeApi(() => apiError(403, 'Forbidden'));
    const wrapper = mount(ReportsView);
    await flushPromises();
    expect(wrapper.find('[role="alert"]').text()).toBe(
      'Only administrators can see the reports. Ask an administrator for access.',
    );
  });

  it('says when there are no reports yet', async () => {
    fakeApi(() => json(200, { items: [], nextCursor: null }));
    const wrapper = mount(ReportsView);
    await flushPromises();
    expect(wrapper.text()).toContain('No reports yet.');
  });
});
