// The banner's own words, one row per message and one column per language: the one table the
// server picks from for a tenant's locales (server/routes/widget-config.ts), so widget.js carries
// no language it does not show. A test checks every message exists in every language, with the
// same {placeholders}. A tenant's own title and intro (theme.text) replace the two defaults.

export const bannerLanguages = ['nl', 'en', 'de', 'fr'] as const;
export type BannerLanguage = (typeof bannerLanguages)[number];

type Row = Record<BannerLanguage, string>;

export const bannerTable = {
  title: {
    nl: 'Jouw privacykeuze',
    en: 'Your privacy choice',
    de: 'Ihre Datenschutzentscheidung',
    fr: 'Votre choix de confidentialité',
  },
  intro: {
    nl: '{controller} wil met jouw toestemming cookies en vergelijkbare technieken gebruiken voor: {purposes}. Dat gebeurt alleen als je dat goedkeurt.',
    en: 'With your consent, {controller} would like to use cookies and similar technologies for: {purposes}. This only happens if you agree.',
    de: 'Mit Ihrer Einwilligung möchte {controller} Cookies und ähnliche Technologien verwenden für: {purposes}. Das geschieht nur, wenn Sie zustimmen.',
    fr: "Avec votre consentement, {controller} souhaite utiliser des cookies et des technologies similaires pour : {purposes}. Cela n'a lieu que si vous l'acceptez.",
  },
  // The floating button shows its label ("Cookie settings"): the text names it.
  withdraw: {
    nl: 'Je kunt je keuze altijd wijzigen of intrekken met de knop Cookie-instellingen linksonder op elke pagina.',
    en: 'You can change or withdraw your choice at any time with the Cookie settings button at the bottom left of every page.',
    de: 'Sie können Ihre Wahl jederzeit mit der Schaltfläche Cookie-Einstellungen unten links auf jeder Seite ändern oder widerrufen.',
    fr: 'Vous pouvez modifier ou retirer votre choix à tout moment avec le bouton Paramètres des cookies en bas à gauche de chaque page.',
  },
  // The floating button is an icon only (theme.floatingLabel false): the text describes it.
  withdrawIcon: {
    nl: 'Je kunt je keuze altijd wijzigen of intrekken met de ronde cookieknop linksonder op elke pagina.',
    en: 'You can change or withdraw your choice at any time with the round cookie button at the bottom left of every page.',
    de: 'Sie können Ihre Wahl jederzeit mit der runden Cookie-Schaltfläche unten links auf jeder Seite ändern oder widerrufen.',
    fr: 'Vous pouvez modifier ou retirer votre choix à tout moment avec le bouton rond en forme de cookie en bas à gauche de chaque page.',
  },
  gpc: {
    nl: 'Je browser stuurt een Global Privacy Control-signaal. Daarom blijft {purposes} uit, ook bij Alles accepteren. Alleen jij kunt dat zelf aanzetten via Zelf kiezen.',
    en: 'Your browser sends a Global Privacy Control signal, so {purposes} stays off, even with Accept all. Only you can turn it on yourself under Choose.',
    de: 'Ihr Browser sendet ein Global-Privacy-Control-Signal. Deshalb bleibt {purposes} aus, auch bei Alle akzeptieren. Nur Sie selbst können es unter Selbst wählen einschalten.',
    fr: "Votre navigateur envoie un signal Global Privacy Control : {purposes} reste donc désactivé, même avec Tout accepter. Vous seul pouvez l'activer sous Choisir.",
  },
  privacyNotice: {
    nl: 'Privacyverklaring',
    en: 'Privacy notice',
    de: 'Datenschutzerklärung',
    fr: 'Politique de confidentialité',
  },
  manageData: {
    nl: 'Mijn gegevens beheren',
    en: 'Manage my data',
    de: 'Meine Daten verwalten',
    fr: 'Gérer mes données',
  },
  acceptAll: {
    nl: 'Alles accepteren',
    en: 'Accept all',
    de: 'Alle akzeptieren',
    fr: 'Tout accepter',
  },
  rejectAll: { nl: 'Alles weigeren', en: 'Reject all', de: 'Alle ablehnen', fr: 'Tout refuser' },
  choose: { nl: 'Zelf kiezen', en: 'Choose', de: 'Selbst wählen', fr: 'Choisir' },
  more: { nl: 'Meer', en: 'More', de: 'Mehr', fr: 'Plus' },
  saved: {
    nl: 'Voorkeuren opgeslagen',
    en: 'Preferences saved',
    de: 'Einstellungen gespeichert',
    fr: 'Préférences enregistrées',
  },
  reopen: {
    nl: 'Cookie-instellingen',
    en: 'Cookie settings',
    de: 'Cookie-Einstellungen',
    fr: 'Paramètres des cookies',
  },
  placeholder: {
    nl: 'Voor deze inhoud is je toestemming nodig voor {purpose}. {description}',
    en: 'This content needs your consent for {purpose}. {description}',
    de: 'Für diesen Inhalt ist Ihre Einwilligung für {purpose} nötig. {description}',
    fr: 'Ce contenu nécessite votre consentement pour {purpose}. {description}',
  },
  placeholderButton: {
    nl: '{purpose} toestaan',
    en: 'Allow {purpose}',
    de: '{purpose} erlauben',
    fr: 'Autoriser {purpose}',
  },
  // First layer (BAN-06): third parties receive data; {names} are the recipients of the consent purposes.
  thirdParties: {
    nl: 'Derden die gegevens ontvangen: {names}.',
    en: 'Third parties receiving data: {names}.',
    de: 'Auch Dritte erhalten dann Daten: {names}.',
    fr: 'Des tiers reçoivent alors aussi des données : {names}.',
  },
  /** Joins the last two items of a list: "a, b and c". */
  and: { nl: 'en', en: 'and', de: 'und', fr: 'et' },
} satisfies Record<string, Row>;

/**
 * The settings dialog's words, shipped with the dialog's own script (widget-settings.js), not
 * with every page's config: the same languages and the same fallback as the banner's.
 */
export const settingsTable = {
  settingsTitle: {
    nl: 'Kies waarvoor je toestemming geeft',
    en: 'Choose what you consent to',
    de: 'Wählen Sie, wofür Sie einwilligen',
    fr: 'Choisissez ce à quoi vous consentez',
  },
  settingsIntro: {
    nl: 'Alles staat uit tot je het zelf aanzet. Je kunt je keuze later altijd wijzigen.',
    en: 'Everything is off until you turn it on. You can change your choice at any time.',
    de: 'Alles ist aus, bis Sie es selbst einschalten. Sie können Ihre Wahl jederzeit ändern.',
    fr: "Tout est désactivé jusqu'à ce que vous l'activiez. Vous pouvez modifier votre choix à tout moment.",
  },
  alwaysOn: { nl: 'Altijd aan', en: 'Always on', de: 'Immer aktiv', fr: 'Toujours actif' },
  save: {
    nl: 'Keuze opslaan',
    en: 'Save choice',
    de: 'Auswahl speichern',
    fr: 'Enregistrer mon choix',
  },
  close: {
    nl: 'Sluiten zonder op te slaan',
    en: 'Close without saving',
    de: 'Schließen ohne zu speichern',
    fr: 'Fermer sans enregistrer',
  },
  // Beside each purpose on legitimate interest or public task in the settings dialog (Art. 21(1)).
  object: {
    nl: 'Ik maak hiertegen bezwaar',
    en: 'I object to this',
    de: 'Ich widerspreche dem',
    fr: "Je m'y oppose",
  },
} satisfies Record<string, Row>;

export type SettingsWords = Record<keyof typeof settingsTable, string>;

/** The dialog's words for a locale, by the same rule as bannerWords. */
export function settingsWords(locale: string): SettingsWords {
  const column = columnOf(locale);
  return Object.fromEntries(
    Object.entries(settingsTable).map(([key, row]) => [key, row[column]]),
  ) as SettingsWords;
}

/** `nl-BE` → Dutch; a language the table lacks gets English. */
function columnOf(locale: string): BannerLanguage {
  const language = locale.toLowerCase().split('-')[0] as BannerLanguage;
  return bannerLanguages.includes(language) ? language : 'en';
}

/** What the widget gets: `withdraw` is already the variant that matches the floating button. */
export type BannerMessages = Record<
  Exclude<keyof typeof bannerTable, 'withdrawIcon' | OnlyWhenUsed>,
  string
> &
  Partial<Record<OnlyWhenUsed, string>>;

/** Words sent only to a tenant that needs them: each costs every visitor bytes. */
type OnlyWhenUsed = 'thirdParties';

/**
 * The words for a locale (`nl-BE` → Dutch; a language the table lacks gets English), with the
 * withdraw sentence that matches the floating button and the tenant's own title and intro.
 */
export function bannerWords(
  locale: string,
  options: { floatingLabel?: boolean; title?: string; intro?: string; thirdParties?: string } = {},
): BannerMessages {
  const column = columnOf(locale);
  const words = {} as BannerMessages;
  for (const key of Object.keys(bannerTable) as Array<keyof typeof bannerTable>) {
    if (key !== 'withdrawIcon' && key !== 'thirdParties') words[key] = bannerTable[key][column];
  }
  if (options.thirdParties)
    words.thirdParties = bannerTable.thirdParties[column].replace('{names}', options.thirdParties);
  if (options.floatingLabel === false) words.withdraw = bannerTable.withdrawIcon[column];
  if (options.title) words.title = options.title;
  if (options.intro) words.intro = options.intro;
  return words;
}
