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

/**
 * `compute` with its last answer kept: asked again with the same arguments (the same values, objects by identity), it
 * answers without computing again. For work one render asks for more than once (the page and ninjs write the same
 * body); only the last answer is held, so rendering many editorials (feeds) holds no extra copy of each.
 */
export function lastAnswer<A extends readonly unknown[], V>(compute: (...args: A) => V): (...args: A) => V {
  let last: { args: A; value: V } | undefined;
  return (...args) => {
    if (last?.args.length === args.length && args.every((arg, i) => arg === last!.args[i])) return last.value;
    last = { args, value: compute(...args) };
    return last.value;
  };
}
