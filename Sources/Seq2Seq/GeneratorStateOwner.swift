/// A network that draws random numbers in training (dropout, word dropout). Its generators'
/// exact states (`SeededGenerator.savedState`) go into a checkpoint, so that a resumed run draws
/// the same masks as an uninterrupted one.
public protocol GeneratorStateOwner: AnyObject {
    var generatorStates: [[UInt64]] { get set }
}

extension SequenceClassifier: GeneratorStateOwner {}
extension SequenceTagger: GeneratorStateOwner {}
extension Translator: GeneratorStateOwner {}
