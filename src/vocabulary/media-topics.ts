/*
 * IPTC Media Topics: the part of the vocabulary this publication can map its topics to.
 *
 * Source: IPTC NewsCodes "Media Topic" (http://cv.iptc.org/newscodes/mediatopic/), as IPTC published it in its
 * JSON for concepts and vocabularies, file JSON-scheme/samples/KI-medtop.json of the public repository
 * github.com/iptc/json-for-concepts-vocabularies, commit aa993a13167ae31f69739cd00d13755741f7e6b9 (2015-12-14).
 * Licence: IPTC NewsCodes are published by IPTC under the Creative Commons Attribution 4.0 International licence
 * (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/). Copyright IPTC, International Press Telecommunications
 * Council (https://iptc.org). Changes: only a subset is kept (the 17 top-level topics, the topics the sample
 * configuration maps and a few near them, and every broader topic of each), `en` is IPTC's en-GB label, and runs of
 * spaces in a label are collapsed to one.
 *
 * IPTC gives these topics labels in English, Arabic, German, Spanish and French; it has none in Russian or Ukrainian,
 * so an editorial in those languages (or any other) gets the English label (`mediaTopicLabel`).
 * Every code and label here is copied from that file; add a topic only from IPTC's own publication of the vocabulary.
 */

/** The Media Topic scheme: a code `medtop:NNNNNNNN` is the URI `<scheme>NNNNNNNN`. */
export const MEDIA_TOPIC_SCHEME = 'http://cv.iptc.org/newscodes/mediatopic/';

export type MediaTopicLanguage = 'en' | 'ar' | 'de' | 'es' | 'fr';

export interface MediaTopic {
  /** The broader topic's code; absent on the 17 top-level topics. */
  broader?: string;
  labels: { en: string } & Partial<Record<MediaTopicLanguage, string>>;
}

export const MEDIA_TOPICS: Readonly<Record<string, MediaTopic>> = {
  'medtop:01000000': {
    labels: {
      en: 'arts, culture and entertainment',
      ar: 'فنون، ثقافة وترفيه',
      de: 'Kultur, Kunst, Unterhaltung',
      es: 'Arte, cultura y entretenimiento',
      fr: 'Arts, culture et divertissement',
    },
  },
  'medtop:02000000': {
    labels: {
      en: 'crime, law and justice',
      ar: 'جريمة، قانون وقضاء',
      de: 'Justiz, Kriminalität',
      es: 'Policía y justicia',
      fr: 'Criminalité, droit et justice',
    },
  },
  'medtop:03000000': {
    labels: {
      en: 'disaster, accident and emergency incident',
      ar: 'كوارث وحوادث',
      de: 'Katastrophe und Unglück',
      es: 'Catástrofes y accidentes',
      fr: 'Désastres et accidents',
    },
  },
  'medtop:04000000': {
    labels: {
      en: 'economy, business and finance',
      ar: 'اقتصاد، اعمال ومال',
      de: 'Wirtschaft und Finanzen',
      es: 'Economía, negocios y finanzas',
      fr: 'Economie et finances',
    },
  },
  'medtop:05000000': {
    labels: { en: 'education', ar: 'تربية', de: 'Erziehung, Ausbildung', es: 'Educación', fr: 'Education' },
  },
  'medtop:06000000': {
    labels: { en: 'environment', ar: 'بيئة', de: 'Umwelt', es: 'Medio ambiente', fr: 'Environnement' },
  },
  'medtop:07000000': {
    labels: { en: 'health', ar: 'صحة', de: 'Medizin, Gesundheit', es: 'Salud', fr: 'Santé' },
  },
  'medtop:08000000': {
    labels: {
      en: 'human interest',
      ar: 'قضية انسانية',
      de: 'Vermischtes',
      es: 'Interés humano, animales, insólito',
      fr: 'Gens animaux insolite',
    },
  },
  'medtop:09000000': {
    labels: { en: 'labour', ar: 'عمل', de: 'Arbeit, Soziales', es: 'Mano de obra', fr: 'Social' },
  },
  'medtop:10000000': {
    labels: {
      en: 'lifestyle and leisure',
      ar: 'حياة يومية وترفيه',
      de: 'Freizeit, Modernes Leben',
      es: 'Estilo de vida y tiempo libre',
      fr: 'Vie quotidienne et loisirs',
    },
  },
  'medtop:11000000': {
    labels: { en: 'politics', ar: 'سياسة', de: 'Politik', es: 'Política', fr: 'Politique' },
  },
  'medtop:12000000': {
    labels: {
      en: 'religion and belief',
      ar: 'ديانة ومعتقدات',
      de: 'Religion, Weltanschauung',
      es: 'Religión y culto',
      fr: 'Religion et croyance',
    },
  },
  'medtop:13000000': {
    labels: {
      en: 'science and technology',
      ar: 'علوم وتكنولوجيا',
      de: 'Wissenschaft, Technik, Forschung',
      es: 'Ciencia y tecnología',
      fr: 'Science et technologie',
    },
  },
  'medtop:14000000': {
    labels: { en: 'society', ar: 'قضايا اجتماعية', de: 'Gesellschaft, Bevölkerung', es: 'Sociedad', fr: 'Société' },
  },
  'medtop:15000000': {
    labels: { en: 'sport', ar: 'رياضة', de: 'Sport', es: 'Deporte', fr: 'Sport' },
  },
  'medtop:16000000': {
    labels: {
      en: 'conflicts, war and peace',
      ar: 'نزاعات، حرب وسلام',
      de: 'Krise, Krieg, Konflikte',
      es: 'Conflictos, guerra y paz',
      fr: 'Conflits, guerres et paix',
    },
  },
  'medtop:17000000': {
    labels: { en: 'weather', ar: 'طقس', de: 'Wetter', es: 'Meteorología', fr: 'Météo' },
  },
  'medtop:20000056': {
    broader: 'medtop:16000000',
    labels: {
      en: 'armed conflict',
      ar: 'نزاع مسلح',
      de: 'Bewaffneter Konflikt',
      es: 'Conflictos armados',
      fr: 'Conflit armé',
    },
  },
  'medtop:20000065': {
    broader: 'medtop:16000000',
    labels: { en: 'civil unrest', ar: 'اضطرابات اهلية', de: 'Unruhen', es: 'Disturbios', fr: 'Troubles civils' },
  },
  'medtop:20000073': {
    broader: 'medtop:16000000',
    labels: {
      en: 'peace process',
      ar: 'عملية سلام',
      de: 'Friedensprozess',
      es: 'Proceso de paz',
      fr: 'Processus de paix',
    },
  },
  'medtop:20000076': {
    broader: 'medtop:20000073',
    labels: {
      en: 'peace talks',
      ar: 'محادثات سلام',
      de: 'Friedensgespräche',
      es: 'Negociaciones de paz',
      fr: 'Pourparlers de paix',
    },
  },
  'medtop:20000209': {
    broader: 'medtop:04000000',
    labels: {
      en: 'economic sector',
      ar: 'قطاع اقتصادي',
      de: 'Branchen',
      es: 'Sector económico',
      fr: 'Secteurs économiques',
    },
  },
  'medtop:20000235': {
    broader: 'medtop:20000209',
    labels: {
      en: 'construction and property',
      ar: 'بناء وملكية',
      de: 'Bau',
      es: 'Construcción e inmobiliaria',
      fr: 'Construction et immobilier',
    },
  },
  'medtop:20000256': {
    broader: 'medtop:20000209',
    labels: {
      en: 'energy and resource',
      ar: 'طاقة وموارد',
      de: 'Energie',
      es: 'Energía y recursos naturales',
      fr: 'Energie et ressources',
    },
  },
  'medtop:20000260': {
    broader: 'medtop:20000256',
    labels: {
      en: 'electricity production and distribution',
      ar: 'انتاج وتوزيع كهرباء',
      de: 'Strom',
      es: 'Producción y distribución de electricidad',
      fr: 'Electricité',
    },
  },
  'medtop:20000261': {
    broader: 'medtop:20000256',
    labels: { en: 'energy industry', ar: 'صناعة الطاقة', de: 'Energie', es: 'Energía', fr: 'Energie' },
  },
  'medtop:20000337': {
    broader: 'medtop:20000209',
    labels: { en: 'transport', ar: 'نقل', de: 'Transport', es: 'Transporte', fr: 'Transports' },
  },
  'medtop:20000343': {
    broader: 'medtop:20000337',
    labels: {
      en: 'waterway and maritime transport',
      ar: 'ممرات مائية ونقل بحري',
      de: 'Schifffahrt',
      es: 'Transporte fluvial y marítimo',
      fr: 'Transport fluvial et maritime',
    },
  },
  'medtop:20000593': {
    broader: 'medtop:11000000',
    labels: { en: 'government', ar: 'حكومة', de: 'Regierung', es: 'Gobierno', fr: 'Gouvernement' },
  },
  'medtop:20000598': {
    broader: 'medtop:20000593',
    labels: { en: 'defence', ar: 'دفاع', de: 'Verteidigung', es: 'Defensa', fr: 'Défense' },
  },
  'medtop:20000603': {
    broader: 'medtop:20000598',
    labels: {
      en: 'security measures (defence)',
      ar: 'اجراءات امنية',
      de: 'Sicherheitsmaßnahme (Verteidigung)',
      es: 'Medidas de seguridad',
      fr: 'Mesures de sécurité',
    },
  },
  'medtop:20000604': {
    broader: 'medtop:20000603',
    labels: {
      en: 'national security',
      ar: 'امن قومي',
      de: 'Nationale Sicherheit',
      es: 'Seguridad nacional',
      fr: 'Sécurité nationale',
    },
  },
  'medtop:20000638': {
    broader: 'medtop:11000000',
    labels: {
      en: 'international relations',
      ar: 'معاهدات ومنظمات دولية',
      de: 'Internationale Beziehung',
      es: 'Relaciones internacionales',
      fr: 'Relations internationales',
    },
  },
  'medtop:20000639': {
    broader: 'medtop:20000638',
    labels: { en: 'diplomacy', ar: 'دبلوماسية', de: 'Diplomatie', es: 'Diplomacia', fr: 'Diplomatie' },
  },
  'medtop:20000641': {
    broader: 'medtop:20000639',
    labels: { en: 'treaty', ar: 'معاهدات ومنظمات دولية', de: 'Internationaler Vertrag', es: 'Tratado', fr: 'Traité' },
  },
  'medtop:20000642': {
    broader: 'medtop:20000638',
    labels: {
      en: 'economic sanction',
      ar: 'عقوبات اقتصادية',
      de: 'Wirtschaftliche Sanktion',
      es: 'Sanción económica',
      fr: 'Sanction économique',
    },
  },
};

export function isMediaTopicCode(code: string): boolean {
  return Object.hasOwn(MEDIA_TOPICS, code);
}

/** `medtop:20000639` → `http://cv.iptc.org/newscodes/mediatopic/20000639`. */
export function mediaTopicUri(code: string): string {
  return `${MEDIA_TOPIC_SCHEME}${code.slice(code.indexOf(':') + 1)}`;
}

/** The topic's label in the language of a BCP 47 tag (by its primary subtag), English where IPTC gives none. */
export function mediaTopicLabel(code: string, lang: string): string {
  const topic = MEDIA_TOPICS[code];
  if (!topic) throw new Error(`${code} is not an IPTC Media Topic this publication knows`);
  const primary = lang.toLowerCase().split('-')[0] as MediaTopicLanguage;
  return topic.labels[primary] ?? topic.labels.en;
}
