// A uPlot chart sized to its container. uPlot draws on a canvas and styles its elements from
// JavaScript (allowed by the CSP); its stylesheet is bundled. Every chart also has a text
// alternative next to it (a table or figures), since a canvas says nothing to a screen reader.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

export function Chart(props: { title: string; summary: string; options: ChartOptions; data: uPlot.AlignedData; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const height = props.height ?? 260;
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = Math.max(200, element.clientWidth);
    const plot = new uPlot({ ...props.options, width, height }, props.data, element);
    let last = width;
    const observer = new ResizeObserver(() => {
      const next = Math.max(200, element.clientWidth);
      if (next !== last) {
        last = next;
        plot.setSize({ width: next, height });
      }
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [props.options, props.data, height]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div class="chart-box" ref={box} role="img" aria-label={props.summary} />
    </figure>
  );
}

/** The x value of a calendar day: seconds since the epoch at UTC midnight. */
export function dayToX(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

/** Shows time axes in UTC, so a calendar day stays that day wherever the browser is. */
export const utcDate = (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

export const COLORS = {
  chronic: '#0b5cad',
  acute: '#c05a00',
  tsb: '#6b3fa0',
  load: '#9aa5b1',
  acwr: '#1b1f24',
  monotony: '#6b3fa0',
  hr: '#b42318',
  pace: '#0b5cad',
  power: '#8a6100',
  elevation: '#1c7c3c',
};

export const bars = uPlot.paths.bars!({ size: [0.6, 24] });
