/**
 * `compute` with its answers remembered by key, for a pure function asked the same few questions again and again (a
 * render's topics, the publication's language). At most `max` answers are kept; past that all are forgotten at once,
 * so a flood of distinct keys (a form's `lang` field is whatever a client sends) cannot grow it.
 */
export function remembered<V>(compute: (key: string) => V, max: number): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as V;
    const value = compute(key);
    if (answers.size >= max) answers.clear();
    answers.set(key, value);
    return value;
  };
}
