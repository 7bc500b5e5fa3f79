// A small line chart drawn as SVG, for a few series over a few dozen periods: no library,
// so the console stays within its script budget. Each series has its own colour, dash
// pattern and marker shape, shown again in the legend, so it reads without colour; the same
// numbers are always in a table beside it (the chart is one image with a title).
// The vertical scale starts at 0 and ends at a round maximum written on the axis.

export interface Series {
  key: string;
  label: string;
  values: number[];
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { left: 44, right: 120, top: 12, bottom: 28 };
/** Dark enough on white for graphics (3:1, WCAG 1.4.11), and told apart by dash and marker too. */
const STYLES = [
  { color: '#0b5394', dash: '', marker: 'circle' },
  { color: '#a4161a', dash: '6 4', marker: 'square' },
  { color: '#2d6a1f', dash: '2 3', marker: 'triangle' },
  { color: '#6a1b9a', dash: '10 3 2 3', marker: 'diamond' },
  { color: '#4a4a4a', dash: '1 5', marker: 'circle' },
] as const;

/** 1, 2 or 5 times a power of ten, at least `max` (and at least 1). */
export function roundMax(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((f) => f * power).find((step) => step >= max)!;
}

function marker(shape: string, x: number, y: number, color: string) {
  if (shape === 'square') return <rect x={x - 3.5} y={y - 3.5} width={7} height={7} fill={color} />;
  if (shape === 'triangle')
    return (
      <path d={`M${x} ${y - 4.5}L${x + 4.5} ${y + 3.5}L${x - 4.5} ${y + 3.5}Z`} fill={color} />
    );
  if (shape === 'diamond')
    return <path d={`M${x} ${y - 5}L${x + 5} ${y}L${x} ${y + 5}L${x - 5} ${y}Z`} fill={color} />;
  return <circle cx={x} cy={y} r={3.5} fill={color} />;
}

export function LineChart({
  title,
  labels,
  series,
}: {
  title: string;
  labels: string[];
  series: Series[];
}) {
  const yMax = roundMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) =>
    PAD.left + (labels.length <= 1 ? plotW / 2 : (i * plotW) / (labels.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={title}
      data-y-max={yMax}
      data-plot={`${PAD.left} ${PAD.top} ${plotW} ${plotH}`}
    >
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line
            x1={PAD.left}
            x2={PAD.left + plotW}
            y1={y(f * yMax)}
            y2={y(f * yMax)}
            stroke="#c8c8c8"
          />
          <text x={PAD.left - 6} y={y(f * yMax) + 4} text-anchor="end">
            {f * yMax}
          </text>
        </g>
      ))}
      {labels.map((label, i) =>
        i % every === 0 ? (
          <text key={label} x={x(i)} y={HEIGHT - 8} text-anchor="middle">
            {label.slice(5)}
          </text>
        ) : null,
      )}
      {series.map((s, n) => {
        const style = STYLES[n % STYLES.length];
        const ly = PAD.top + 8 + n * 20;
        const lx = PAD.left + plotW + 10;
        return (
          <g key={s.key} data-series={s.key}>
            <polyline
              fill="none"
              stroke={style.color}
              stroke-width={2}
              stroke-dasharray={style.dash}
              points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
            />
            {s.values.map((v, i) => (
              <g key={i}>{marker(style.marker, x(i), y(v), style.color)}</g>
            ))}
            <line
              x1={lx}
              x2={lx + 22}
              y1={ly}
              y2={ly}
              stroke={style.color}
              stroke-width={2}
              stroke-dasharray={style.dash}
            />
            {marker(style.marker, lx + 11, ly, style.color)}
            <text x={lx + 28} y={ly + 4} fill={style.color}>
              {s.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
