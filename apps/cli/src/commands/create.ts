import { defineCommand } from "citty";
import { track } from "../session.ts";
import { empty } from "shoal";
import { info, printJson } from "../output.ts";

export default defineCommand({
  meta: { name: "create", description: "Create an empty dataset (local path, file://, s3://, memory://)" },
  args: {
    path: { type: "positional", description: "Where to create the dataset", required: true },
    overwrite: { type: "boolean", description: "Replace an existing dataset there", default: false },
    tensor: { type: "string", description: "Tensors to create, comma separated name:htype[:compression] (e.g. images:image:jpeg,labels:class_label)" },
    json: { type: "boolean", description: "Print the result as JSON", default: false },
  },
  async run({ args }) {
    const ds = track(await empty(args.path, { overwrite: args.overwrite }));
    for (const spec of (args.tensor ?? "").split(",").filter(Boolean)) {
      const [name, htype = "generic", sampleCompression] = spec.split(":");
      await ds.createTensor(name!, { htype, ...(sampleCompression ? { sampleCompression } : {}) });
    }
    await ds.flush();
    if (args.json) printJson({ path: args.path, tensors: ds.tensorNames() });
    else info(`created ${args.path}${ds.tensorNames().length ? ` with tensors ${ds.tensorNames().join(", ")}` : ""}`);
  },
});
