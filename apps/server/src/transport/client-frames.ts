import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

// Client frames are validated before use: a socket sends whatever it likes.
const ClusterId = Type.String({ minLength: 1, maxLength: 253 });

export const SubscriptionFrame = TypeCompiler.Compile(
  Type.Union([
    Type.Object({ clusterId: ClusterId }, { additionalProperties: false }),
    Type.Object({ overview: Type.Literal(true) }, { additionalProperties: false }),
  ]),
);

export const ResyncFrame = TypeCompiler.Compile(Type.Object({ clusterId: ClusterId }, { additionalProperties: false }));
