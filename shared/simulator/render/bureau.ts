/**
 * credmon's credit-bureau format (`credmon.bureau/v1`, shared/adapters/bureaus/credmon-bureau/wire.ts).
 * Bodies are typed by the wire schemas' own types, so a drift fails type-checking here.
 */
import type {
  BureauCompanyReport,
  BureauPersonReport,
} from '#shared/adapters/bureaus/credmon-bureau/wire.ts';
import type { Business, CreditState, Individual } from '../model.ts';
import type { SimAnswer } from '../types.ts';

function credit(state: CreditState, today: string): BureauCompanyReport['credit'] {
  const money = (amount: number) => ({ amount, currency: state.currency });
  return {
    score: state.score,
    creditLimit: state.limit === null ? null : money(state.limit),
    paymentRemarks: state.remarks.map((r) => ({
      id: r.id,
      type: r.type,
      amount: money(r.amount),
      registeredDate: r.registeredDate,
      settledDate: r.settledDate,
    })),
    collectionCases: state.collections.map((c) => ({
      id: c.id,
      amount: money(c.amount),
      openedDate: c.openedDate,
      closedDate: c.closedDate,
    })),
    debtRegister: state.debts
      .filter((d) => d.registeredDate <= today)
      .map((d) => ({ id: d.id, type: d.type, amount: money(d.amount), registeredDate: d.registeredDate })),
  };
}

/**
 * `GET /credit-bureau/v1/companies/{country}/{registryId}`.
 *
 * @example
 * renderBureauCompany(business, '2026-07-15').body; // { schema: 'credmon.bureau/v1', kind: 'company', credit: {...} }
 */
export function renderBureauCompany(b: Business, today: string): SimAnswer {
  const body: BureauCompanyReport = {
    schema: 'credmon.bureau/v1',
    kind: 'company',
    country: b.country,
    registryId: b.registryId,
    reportDate: today,
    credit: credit(b.credit, today),
  };
  return { status: 200, body };
}

/**
 * `POST /credit-bureau/v1/persons/lookup`.
 *
 * @example
 * renderBureauPerson(individual, '2026-07-15').body; // { kind: 'person', person: { status: 'active', ... } }
 */
export function renderBureauPerson(p: Individual, today: string): SimAnswer {
  const name = [p.name.first, p.name.middle, p.name.last].filter((part) => part !== null).join(' ');
  const body: BureauPersonReport = {
    schema: 'credmon.bureau/v1',
    kind: 'person',
    country: p.country,
    reportDate: today,
    person: {
      name,
      birthDate: p.birthDate,
      status: p.status,
      statusDate: p.statusDate,
      addressProtected: p.addressProtected,
      address:
        p.address === null
          ? null
          : {
              street: p.address.lines,
              postalCode: p.address.postalCode,
              city: p.address.city,
              country: 'NO',
            },
    },
    credit: credit(p.credit, today),
  };
  return { status: 200, body };
}

/**
 * The bureau's error body.
 *
 * @example
 * bureauError(404, 'NOT_FOUND', 'no such subject').body; // { error: { code: 'NOT_FOUND', message: 'no such subject' } }
 */
export function bureauError(status: number, code: string, message: string): SimAnswer {
  return { status, body: { error: { code, message } } };
}
