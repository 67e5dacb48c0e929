/**
 * Every name generated code exports or references, derived from the schema's names. Emitters
 * and the name-clash rules (validate/rules/duplicate-names.ts, reserved-names.ts) both call
 * these functions, so what the rules refuse is exactly what the emitters would generate.
 * Pure string functions of schema names.
 */

/** `DogSchool` → `dog-school` */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[_\s]+/g, '-')
    .toLowerCase();
}

/** `TrickAdded` → `trickAdded` */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `trick_added` or `trickAdded` → `TrickAdded` */
export function pascalCase(name: string): string {
  return name
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Output folder of a domain, relative to the output root: `dog-school`. */
export function domainFolder(domain: string): string {
  return kebabCase(domain);
}

/** Type of one version of a payload: `TrickAddedV1`. */
export function versionedTypeName(payload: string, version: number): string {
  return `${payload}V${version}`;
}

/** Data type of an event's current version: `TrickAddedData`. The event type itself is `TrickAdded`. */
export function eventDataTypeName(event: string): string {
  return `${event}Data`;
}

/** State type of an aggregate: `DogState`. Versions are `DogStateV1`, ... */
export function stateTypeName(aggregate: string): string {
  return `${aggregate}State`;
}

/** Union of an aggregate's events: `DogEvent`. */
export function eventUnionName(aggregate: string): string {
  return `${aggregate}Event`;
}

/** Generated abstract base class: `DogBase`; the ready concrete class (no abstract handlers) is `Dog`. */
export function aggregateBaseClassName(aggregate: string): string {
  return `${aggregate}Base`;
}

/** Upcaster from one version to the next: `upcastTrickAddedV1`, taking `TrickAddedV1` to `TrickAddedV2`. */
export function upcasterName(payload: string, fromVersion: number): string {
  return `upcast${payload}V${fromVersion}`;
}

/**
 * The type generated code pins a hand-written `using:` function to (the upcasters emitter writes
 * it; the compiler checks the module against it): `(previous: DepositedV2) => DepositedV3['transactionId']`.
 */
export function customUpcasterSignature(
  payload: string,
  fromVersion: number,
  toVersion: number,
  field: string,
): string {
  return `(previous: ${versionedTypeName(payload, fromVersion)}) => ${versionedTypeName(payload, toVersion)}['${field}']`;
}

/** Type of what a trigger accepts: `DepositedInput` (fields with defaults optional). */
export function eventInputTypeName(event: string): string {
  return `${event}Input`;
}

/** `Currency` → `Currencies`: the runtime list of an enum's values. */
export function enumValuesName(enumName: string): string {
  if (/[^aeiou]y$/.test(enumName)) return `${enumName.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(enumName)) return `${enumName}es`;
  return `${enumName}s`;
}

/** Codec constant of a payload: `trickAddedCodec`, `dogStateCodec`. */
export function codecName(payload: string): string {
  return `${camelCase(payload)}Codec`;
}

/** Descriptor constant of an aggregate: `dogDescriptor`; of a domain: `dogSchoolDomain`. */
export function aggregateDescriptorName(aggregate: string): string {
  return `${camelCase(aggregate)}Descriptor`;
}
export function domainDescriptorName(domain: string): string {
  return `${camelCase(domain)}Domain`;
}

/** Protected trigger method of an event: `triggerTrickAdded`. */
export function triggerMethodName(event: string): string {
  return `trigger${event}`;
}

/** Static factory of a creation event: `create` when it is the aggregate's only one, else `createFromOpened`. */
export function creationFactoryName(event: string, isOnlyCreationEvent: boolean): string {
  return isOnlyCreationEvent ? 'create' : `createFrom${event}`;
}

/** Abstract handler of an event without declarative apply: `applyTrickAdded`. */
export function handlerMethodName(event: string): string {
  return `apply${event}`;
}

/** Validator of an event's input: `validateDeposited`. */
export function validatorName(event: string): string {
  return `validate${event}`;
}

/** Encoder of a value object: `encodeMoney`; of a payload's current version: `encodeDeposited`. */
export function encoderName(typeName: string): string {
  return `encode${typeName}`;
}

/** Decoder of a value object: `decodeMoney`; of one payload version: `decodeDepositedV2`. */
export function decoderName(typeName: string): string {
  return `decode${typeName}`;
}

/** Reader of an enum: `readCurrency`. */
export function enumReaderName(enumName: string): string {
  return `read${enumName}`;
}

/** Where a payload version is decoded, for error messages: `depositedV2At`. */
export function decodeAtName(payload: string, version: number): string {
  return `${camelCase(payload)}V${version}At`;
}

/** Constant pinning a hand-written upcaster to its signature: `depositedV2TransactionId`. */
export function checkedUpcasterName(payload: string, fromVersion: number, field: string): string {
  return `${camelCase(payload)}V${fromVersion}${pascalCase(field)}`;
}

/** Repository function of an aggregate: `dogRepository`. */
export function repositoryFunctionName(aggregate: string): string {
  return `${camelCase(aggregate)}Repository`;
}

/** Function giving all repositories of a domain: `dogSchoolRepositories`. */
export function domainRepositoriesName(domain: string): string {
  return `${camelCase(domain)}Repositories`;
}

/** What that function returns: `DogSchoolRepositories`. */
export function repositoriesTypeName(domain: string): string {
  return `${domain}Repositories`;
}

/** The hand-written subclasses the domain's repositories load: `DogSchoolAggregateClasses`. */
export function aggregateClassesTypeName(domain: string): string {
  return `${domain}AggregateClasses`;
}

/** A view's row type: `DogTricksRow`. */
export function viewRowTypeName(view: string): string {
  return `${view}Row`;
}

/** A view's key type: `DogTricksKey`. */
export function viewKeyTypeName(view: string): string {
  return `${view}Key`;
}

/** A view's definition object: `dogTricksView`. */
export function viewDefinitionName(view: string): string {
  return `${camelCase(view)}View`;
}

/** A view's generated projection base class: `DogTricksProjectionBase`. */
export function viewProjectionBaseName(view: string): string {
  return `${view}ProjectionBase`;
}

/** A view's ready projection (when no handler is custom): `DogTricksProjection`. */
export function viewProjectionName(view: string): string {
  return `${view}Projection`;
}

/** The method a custom view handler implements: `onTrickAdded`. */
export function viewHandlerName(event: string): string {
  return `on${event}`;
}
