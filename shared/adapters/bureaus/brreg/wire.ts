/**
 * Brønnøysund's wire formats, as the live APIs answer (see test/fixtures/brreg): Enhetsregisteret
 * entities, roles and the update feed, and Regnskapsregisteret's annual accounts. Fields credmon does
 * not track are left out (zod strips them); tracked fields are optional where the registry omits them.
 */
import { z } from 'zod';

const Code = z.object({ kode: z.string(), beskrivelse: z.string().nullish() });

export const BrregAddress = z.object({
  // The registry pads address lines with nulls and empty strings.
  adresse: z.array(z.string().nullable()).nullish(),
  postnummer: z.string().nullish(),
  poststed: z.string().nullish(),
  kommune: z.string().nullish(),
  kommunenummer: z.string().nullish(),
  land: z.string().nullish(),
  landkode: z.string().nullish(),
});
export type BrregAddress = z.infer<typeof BrregAddress>;

/** `GET /enhetsregisteret/api/enheter/{orgnr}`: a live (`Enhet`) or deleted (`SlettetEnhet`) entity. */
export const BrregEnhet = z.object({
  organisasjonsnummer: z.string().regex(/^\d{9}$/),
  navn: z.string().nullish(),
  respons_klasse: z.string().nullish(),
  organisasjonsform: Code.nullish(),
  naeringskode1: Code.nullish(),
  forretningsadresse: BrregAddress.nullish(),
  postadresse: BrregAddress.nullish(),
  stiftelsesdato: z.string().nullish(),
  antallAnsatte: z.number().int().nonnegative().nullish(),
  kapital: z.object({ belop: z.number().nullish(), valuta: z.string().nullish() }).nullish(),
  konkurs: z.boolean().nullish(),
  konkursdato: z.string().nullish(),
  underAvvikling: z.boolean().nullish(),
  underAvviklingDato: z.string().nullish(),
  underTvangsavviklingEllerTvangsopplosning: z.boolean().nullish(),
  tvangsavvikletPgaManglendeSlettingDato: z.string().nullish(),
  tvangsopplostPgaManglendeDagligLederDato: z.string().nullish(),
  tvangsopplostPgaManglendeRevisorDato: z.string().nullish(),
  tvangsopplostPgaManglendeRegnskapDato: z.string().nullish(),
  tvangsopplostPgaMangelfulltStyreDato: z.string().nullish(),
  sisteInnsendteAarsregnskap: z
    .string()
    .regex(/^\d{4}$/)
    .nullish(),
  slettedato: z.string().nullish(),
});
export type BrregEnhet = z.infer<typeof BrregEnhet>;

/** The body of an HTTP 410: the entity was removed from the open data. */
export const BrregFjernet = z.object({
  organisasjonsnummer: z.string(),
  slettedato: z.string().nullish(),
});

const BrregPersonNavn = z.object({
  fornavn: z.string().nullish(),
  mellomnavn: z.string().nullish(),
  etternavn: z.string().nullish(),
});

export const BrregRolle = z.object({
  type: Code,
  person: z
    .object({ fodselsdato: z.string().nullish(), navn: BrregPersonNavn, erDoed: z.boolean().nullish() })
    .nullish(),
  enhet: z
    .object({
      organisasjonsnummer: z.string(),
      // Seen both as a list of name lines and as a plain string.
      navn: z.union([z.array(z.string()), z.string()]).nullish(),
      erSlettet: z.boolean().nullish(),
    })
    .nullish(),
  fratraadt: z.boolean().nullish(),
  avregistrert: z.boolean().nullish(),
});
export type BrregRolle = z.infer<typeof BrregRolle>;

/** `GET /enhetsregisteret/api/enheter/{orgnr}/roller`. */
export const BrregRoller = z.object({
  rollegrupper: z.array(z.object({ type: Code, roller: z.array(BrregRolle) })),
});

const Sum = <K extends string>(key: K) =>
  z.object({ [key]: z.number().nullish() } as Record<K, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>);

/** One set of accounts from `GET /regnskapsregisteret/regnskap/{orgnr}` (which answers a list). */
export const BrregRegnskap = z.object({
  id: z.number().nullish(),
  regnskapstype: z.string().nullish(),
  regnskapsperiode: z.object({
    fraDato: z.string().nullish(),
    tilDato: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  }),
  valuta: z.string().nullish(),
  avviklingsregnskap: z.boolean().nullish(),
  oppstillingsplan: z.string().nullish(),
  // The API's own spelling.
  regnkapsprinsipper: z
    .object({ smaaForetak: z.boolean().nullish(), regnskapsregler: z.string().nullish() })
    .nullish(),
  egenkapitalGjeld: z
    .object({
      sumEgenkapitalGjeld: z.number().nullish(),
      egenkapital: z
        .object({
          sumEgenkapital: z.number().nullish(),
          opptjentEgenkapital: Sum('sumOpptjentEgenkapital').nullish(),
          // The API's own spelling.
          innskuttEgenkapital: Sum('sumInnskuttEgenkaptial').nullish(),
        })
        .nullish(),
      gjeldOversikt: z
        .object({
          sumGjeld: z.number().nullish(),
          kortsiktigGjeld: Sum('sumKortsiktigGjeld').nullish(),
          langsiktigGjeld: Sum('sumLangsiktigGjeld').nullish(),
        })
        .nullish(),
    })
    .nullish(),
  eiendeler: z
    .object({
      sumEiendeler: z.number().nullish(),
      omloepsmidler: Sum('sumOmloepsmidler').nullish(),
      anleggsmidler: Sum('sumAnleggsmidler').nullish(),
    })
    .nullish(),
  resultatregnskapResultat: z
    .object({
      ordinaertResultatFoerSkattekostnad: z.number().nullish(),
      aarsresultat: z.number().nullish(),
      driftsresultat: z
        .object({
          driftsresultat: z.number().nullish(),
          driftsinntekter: Sum('sumDriftsinntekter').nullish(),
          driftskostnad: Sum('sumDriftskostnad').nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
export type BrregRegnskap = z.infer<typeof BrregRegnskap>;

export const BrregRegnskapList = z.array(BrregRegnskap);

/** `GET /enhetsregisteret/api/oppdateringer/enheter`: a page of the update feed. */
export const BrregOppdateringer = z.object({
  // An empty page has no `_embedded` at all.
  _embedded: z
    .object({
      oppdaterteEnheter: z.array(
        z.object({
          oppdateringsid: z.number().int(),
          dato: z.string(),
          organisasjonsnummer: z.string(),
          endringstype: z.string(),
          endringer: z.array(z.object({ op: z.string(), path: z.string() })).nullish(),
        }),
      ),
    })
    .nullish(),
  page: z
    .object({ size: z.number(), totalElements: z.number(), totalPages: z.number(), number: z.number() })
    .nullish(),
});
export type BrregOppdateringer = z.infer<typeof BrregOppdateringer>;

/**
 * `GET /enhetsregisteret/api/oppdateringer/roller`: a page of the roles update feed, a bare JSON
 * array of CloudEvents (not HAL like the entity feed). `id` is the event's number, sent as a string;
 * `data.organisasjonsnummer` names the entity whose roles changed. Paged with `afterId` (exclusive)
 * or `afterTime`, and `size`.
 */
export const BrregRolleOppdateringer = z.array(
  z.object({
    id: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(Number),
    time: z.string(),
    type: z.string().nullish(),
    data: z.object({ organisasjonsnummer: z.string() }),
  }),
);
export type BrregRolleOppdateringer = z.infer<typeof BrregRolleOppdateringer>;
