import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ReportSummary } from '@/api/types';
import { setLocale } from '@/i18n';
import ReportsChart from '../ReportsChart.vue';

beforeEach(() => setLocale('en'));

function report(date: string, count: number): ReportSummary {
  return {
    date,
    timeZone: 'Asia/Tokyo',
    count,
    users: count ? 1 : 0,
    perUser: count ? [{ userId: 'alice', name: 'alice', count }] : [],
    generatedAt: `${date}T16:00:00Z`,
    partial: false,
  };
}

describe('ReportsChart', () => {
  it('draws one bar per day, oldest first, with heights proportional to completions', () => {
    const wrapper = mount(ReportsChart, {
      props: {
        reports: [report('2026-11-21', 8), report('2026-11-19', 2), report('2026-11-20', 0)],
      },
    });
    const bars = wrapper.findAll('rect');
    expect(bars.map((bar) => bar.find('title').text())).toEqual([
      'Nov 19, 2026: 2',
      'Nov 20, 2026: 0',
      'Nov 21, 2026: 8',
    ]);
    const heights = bars.map((bar) => Number(bar.attributes('height')));
    expect(heights[1]).toBe(0);
    expect(heights[2]! / heights[0]!).toBeCloseTo(4);
    // The axis tops out at a round number at or above the largest count.
    expect(wrapper.findAll('.grid text').map((text) => text.text())).toEqual(['10', '5', '0']);
  });

  it('keeps a few days narrow and whole-number ticks only', () => {
    const wrapper = mount(ReportsChart, { props: { reports: [report('2026-11-21', 3)] } });
    expect(Number(wrapper.find('rect').attributes('width'))).toBeLessThanOrEqual(48);
    expect(wrapper.findAll('.grid text').map((text) => text.text())).toEqual(['5', '0']);
  });

  it('describes itself for screen readers', () => {
    const wrapper = mount(ReportsChart, {
      props: { reports: [report('2026-11-20', 3), report('2026-11-21', 5)] },
    });
    const svg = wrapper.find('svg');
    expect(svg.attributes('role')).toBe('img');
    expect(wrapper.find(`[id="${svg.attributes('aria-labelledby')}"]`).text()).toBe(
      'Completions per day',
    );
    expect(wrapper.find('desc').text()).toContain(
      'from Nov 20, 2026 to Nov 21, 2026, at most 5 a day',
    );
  });

  it('never sets inline styles, which the production CSP blocks', () => {
    const wrapper = mount(ReportsChart, { props: { reports: [report('2026-11-21', 1)] } });
    expect(wrapper.html()).not.toContain('style=');
  });
});
