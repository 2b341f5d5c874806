/*
 * The IPTC NewsCodes terms ninjs items name besides Media Topics: the genre (http://cv.iptc.org/newscodes/genre/)
 * and the digital source type (http://cv.iptc.org/newscodes/digitalsourcetype/). Codes, names and definitions are
 * IPTC's (https://iptc.org, NewsCodes under CC BY 4.0, https://creativecommons.org/licenses/by/4.0/); the names are
 * IPTC's en-GB labels, the only language IPTC gives these two vocabularies in.
 */

export const GENRES = ['analysis', 'opinion'] as const;
export type Genre = (typeof GENRES)[number];

/** IPTC genre per front matter `genre`. */
export const GENRE_CODES: Readonly<Record<Genre, { uri: string; name: string }>> = {
  analysis: { uri: 'http://cv.iptc.org/newscodes/genre/Analysis', name: 'Analysis' },
  opinion: { uri: 'http://cv.iptc.org/newscodes/genre/Opinion', name: 'Opinion' },
};

/**
 * What the desk declares about automated help in writing an editorial (front matter `aiAssistance`), each mapped
 * to the IPTC digital source type whose definition fits a text:
 *
 * - `none`: written by people with non-generative tools: digitalCreation, "Media created by a human using
 *   non-generative tools".
 * - `algorithmic`: corrected by non-generative software (spelling, grammar, machine checks) without changing what it
 *   says: algorithmicallyEnhanced, "Modification or correction by algorithm without changing the main content of the
 *   media, initiated or configured by a human".
 * - `generative-edits`: written by people, with parts drafted, rewritten or translated by a generative model:
 *   compositeWithTrainedAlgorithmicMedia, "Augmentation, correction or enhancement using a Generative AI model".
 * - `generative`: drafted by a generative model, then edited by people: trainedAlgorithmicMedia, "Digital media
 *   created algorithmically using an Artificial Intelligence model trained on captured content".
 */
export const AI_ASSISTANCE = ['none', 'algorithmic', 'generative-edits', 'generative'] as const;
export type AiAssistance = (typeof AI_ASSISTANCE)[number];

const DIGITAL_SOURCE_TYPE = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

export const DIGITAL_SOURCE_TYPES: Readonly<Record<AiAssistance, { uri: string; name: string }>> = {
  none: { uri: `${DIGITAL_SOURCE_TYPE}digitalCreation`, name: 'Digital creation' },
  algorithmic: { uri: `${DIGITAL_SOURCE_TYPE}algorithmicallyEnhanced`, name: 'Algorithmically-altered media' },
  'generative-edits': {
    uri: `${DIGITAL_SOURCE_TYPE}compositeWithTrainedAlgorithmicMedia`,
    name: 'Edited using Generative AI',
  },
  generative: { uri: `${DIGITAL_SOURCE_TYPE}trainedAlgorithmicMedia`, name: 'Created using Generative AI' },
};
